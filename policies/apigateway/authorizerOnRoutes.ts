import { stackPolicy } from "../lib/policy";
import { shown, str } from "../lib/props";
import { API_T } from "./types";

/** The health route the Route 53 check requests; it needs no token and reads no store. */
const OPEN_PATHS = new Set(["health"]);

export const apigatewayAuthorizerOnRoutes = stackPolicy({
  name: "apigateway-authorizer-on-routes",
  description:
    "Every API Gateway method except GET /health has an authorizer (COGNITO_USER_POOLS with an authorizerId, or IAM/CUSTOM). An open write route lets anyone enqueue into the writer cell; the health route stays open so Route 53 can check it.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report, notApplicable) => {
    const methods = stack.ofType(API_T.method);
    if (methods.length === 0) notApplicable("The stack has no API Gateway method.");
    const resources = new Map(stack.ofType(API_T.resource).map((r) => [str(r.props.id), r]));
    for (const m of methods) {
      const path = str(resources.get(str(m.props.resourceId))?.props.pathPart);
      const open = path !== undefined && OPEN_PATHS.has(path) && m.props.httpMethod === "GET";
      if (open) continue;
      const auth = str(m.props.authorization);
      if (auth === undefined || auth === "NONE") {
        report(
          `${str(m.props.httpMethod) ?? "?"} /${path ?? "?"} has authorization ${shown(auth)}; only GET /health may be open. Set authorization "COGNITO_USER_POOLS" and the cell's authorizerId.`,
          m,
        );
      } else if (auth === "COGNITO_USER_POOLS" && !str(m.props.authorizerId)) {
        report(
          `${str(m.props.httpMethod) ?? "?"} /${path ?? "?"} uses COGNITO_USER_POOLS without an authorizerId; attach the cell's Cognito authorizer.`,
          m,
        );
      }
    }
  },
});
