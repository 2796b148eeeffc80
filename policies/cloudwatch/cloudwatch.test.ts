import { changed, compliant } from "../testing/fixtures";
import { fails, passes } from "../testing/expect";
import { T } from "../lib/types";
import { cloudwatchWriterGateAlarm } from "./writerGateAlarm";

describe("policies/cloudwatch", () => {
  // The real CellTraffic render: the gate us-east-1 hosts for eu-west-1, and its own witness.
  const alarm = () => compliant(T.metricAlarm, "shop-use1-traffic-writerGateAlarm-euw1");
  const witness = () => compliant(T.metricAlarm, "shop-use1-traffic-witnessGateAlarm-usw2");

  it("cloudwatch-writer-gate-alarm: the documented evaluation, field by field", () => {
    passes(cloudwatchWriterGateAlarm, alarm());
    passes(cloudwatchWriterGateAlarm, witness());
    // Left out, datapointsToAlarm is evaluationPeriods (1).
    passes(cloudwatchWriterGateAlarm, changed(alarm(), "datapointsToAlarm", undefined));
    const cases: [string, unknown, RegExp][] = [
      [
        "statistic",
        "Maximum",
        /statistic is "Maximum" on a writer gate alarm; set it to "Minimum"/,
      ],
      ["statistic", "Average", /statistic is "Average"/],
      ["period", 10, /period is 10 on a writer gate alarm; set it to 60/],
      ["evaluationPeriods", 3, /evaluationPeriods is 3 .*set it to 1/],
      ["datapointsToAlarm", 2, /datapointsToAlarm is 2 .*set it to 1/],
      ["threshold", 0, /threshold is 0 .*set it to 1/],
      [
        "comparisonOperator",
        "LessThanOrEqualToThreshold",
        /comparisonOperator is "LessThanOrEqualToThreshold" .*set it to "LessThanThreshold"/,
      ],
      ["treatMissingData", "breaching", /treatMissingData is "breaching" .*set it to "ignore"/],
      ["treatMissingData", undefined, /treatMissingData is not set .*set it to "ignore"/],
      [
        "dimensions.Cell",
        "use1",
        /dimensions are .*exactly \{ App: <app>, Region: <the cell's region> \}/,
      ],
      ["dimensions.Region", undefined, /dimensions are \{"App":"shop"\}/],
      [
        "name",
        "shop-gate-eu-west-1",
        /name is "shop-gate-eu-west-1"; the gate alarm for shop in eu-west-1 is named "shop-writer-gate-eu-west-1"/,
      ],
      ["extendedStatistic", "p10", /uses extendedStatistic or metricQueries/],
    ];
    for (const [path, value, pattern] of cases) {
      fails(cloudwatchWriterGateAlarm, changed(alarm(), path, value), pattern);
    }
    // Other alarms are not gates.
    passes(
      cloudwatchWriterGateAlarm,
      changed(changed(alarm(), "metricName", "HTTPCode_Target_5XX_Count"), "period", 10),
    );
  });
});
