import { RestInput, restXmlCodec } from "../protocols/rest";
import { el, leaf } from "../protocols/xml";
import { defineService } from "../wire";

/** The regions Route 53's health checkers run in (two checkers each reach the emulator). */
const CHECKER_REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
];

/** Route 53: health-check status (REST-XML), from the simulator's health checks and gates. */
export const route53 = defineService<RestInput, string>({
  name: "route53",
  codec: restXmlCodec(
    [
      {
        method: "GET",
        pattern: /^\/2013-04-01\/healthcheck\/([^/]+)\/status$/,
        operation: "GetHealthCheckStatus",
        labels: ["healthCheckId"],
      },
    ],
    "https://route53.amazonaws.com/doc/2013-04-01/",
  ),
  throttle: { code: "Throttling", status: 400 },
  errors: { NoSuchHealthCheck: { status: 404 }, InvalidInput: { status: 400 } },
  operations: {
    async GetHealthCheckStatus(input, ctx) {
      const s = await ctx.adapters.route53.healthCheckStatus(input.labels.healthCheckId);
      const checked = new Date(ctx.nowMs).toISOString().replace(/\.\d{3}Z$/, "Z");
      const observations = Array.from({ length: s.checkersReporting }, (_, i) =>
        el(
          "HealthCheckObservation",
          leaf("Region", CHECKER_REGIONS[Math.floor(i / 2) % CHECKER_REGIONS.length]),
          leaf("IPAddress", `15.177.${Math.floor(i / 2)}.${10 + (i % 2)}`),
          el(
            "StatusReport",
            leaf(
              "Status",
              i < s.checkersHealthy
                ? "Success: HTTP Status Code 200, OK"
                : "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.",
            ),
            leaf("CheckedTime", checked),
          ),
        ),
      );
      return el("HealthCheckObservations", ...observations);
    },
  },
});
