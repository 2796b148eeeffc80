/** Type tokens of the API layer's resources (provider v7 names). */
export const API_T = {
  restApi: "aws:apigateway/restApi:RestApi",
  stage: "aws:apigateway/stage:Stage",
  methodSettings: "aws:apigateway/methodSettings:MethodSettings",
  method: "aws:apigateway/method:Method",
  resource: "aws:apigateway/resource:Resource",
  domainName: "aws:apigateway/domainName:DomainName",
  userPool: "aws:cognito/userPool:UserPool",
} as const;
