// The Pulumi program: `pulumi up -s <stack>` builds one regional cell from Pulumi.<stack>.yaml.
import { cellProgram } from "./program";

export = () => cellProgram();
