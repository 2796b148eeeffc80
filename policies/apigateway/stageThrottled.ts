import { stackPolicy } from "../lib/policy";
import { at, num, shown, str } from "../lib/props";
import { API_T } from "./types";

export const apigatewayStageThrottled = stackPolicy({
  name: "apigateway-stage-throttled",
  description:
    "Every API Gateway stage has method settings for */* with a rate and a burst limit above 0. An unthrottled stage takes the account's regional limit: during a failover, when one cell receives every client, one API can starve the others and the health route with them.",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report, notApplicable) => {
    const stages = stack.ofType(API_T.stage);
    if (stages.length === 0) notApplicable("The stack has no API Gateway stage.");
    const settings = stack.ofType(API_T.methodSettings);
    for (const stage of stages) {
      const api = str(stage.props.restApi);
      const name = str(stage.props.stageName);
      // Ids are unknown in a first preview: then any */* settings of the stack count.
      const mine = settings.filter(
        (s) =>
          at(s.props, "methodPath") === "*/*" &&
          (api === undefined ||
            str(s.props.restApi) === undefined ||
            str(s.props.restApi) === api) &&
          (name === undefined ||
            str(s.props.stageName) === undefined ||
            str(s.props.stageName) === name),
      );
      if (mine.length === 0) {
        report(
          `Stage ${shown(name)} has no aws.apigateway.MethodSettings with methodPath "*/*"; add one with settings.throttlingRateLimit and throttlingBurstLimit (dr:api.throttle).`,
          stage,
        );
        continue;
      }
      for (const s of mine) {
        const rate = num(at(s.props, "settings.throttlingRateLimit"));
        const burst = num(at(s.props, "settings.throttlingBurstLimit"));
        if (!(rate !== undefined && rate > 0) || !(burst !== undefined && burst > 0)) {
          report(
            `Stage ${shown(name)} is throttled at rate ${shown(rate)}, burst ${shown(burst)}; set both above 0 (dr:api.throttle.rateLimit, burstLimit).`,
            s,
          );
        }
      }
    }
  },
});
