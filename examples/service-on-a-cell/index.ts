// `pulumi up -s <stack>` in this folder: the cell plus the orders service (program.ts).
import { ordersProgram } from "./program";

export = () => ordersProgram();
