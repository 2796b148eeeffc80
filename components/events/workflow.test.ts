import { strict as assert } from "assert";
import {
  admissionExpression,
  aslIssues,
  AslDefinition,
  jobWorkflowDefinition,
  JobWorkflowParams,
  NOT_ADMITTED_ERROR,
  ungatedWrites,
} from "./workflow";

const params: JobWorkflowParams = {
  region: "eu-west-1",
  homeRegion: "us-east-1",
  peerRegions: ["us-east-1", "ap-southeast-2"],
  controlTableName: "shop-dr-control",
  jobTable: { tableName: "shop-orders", partitionKey: "pk", sortKey: "sk" },
  busName: "shop-euw1-events",
  eventSource: "shop.jobs",
  leaseSeconds: 3,
};

type State = Record<string, unknown>;
const def = () => jobWorkflowDefinition(params);
const state = (d: AslDefinition, name: string) => d.States[name] as State;

describe("components/events job workflow (ASL)", () => {
  it("is sound: every Next exists, every state is reachable, every write catches States.ALL", () => {
    const d = def();
    assert.deepEqual(aslIssues(d), []);
    // A round trip through JSON (what the resource receives) keeps it so.
    assert.deepEqual(aslIssues(JSON.parse(JSON.stringify(d)) as AslDefinition), []);
    assert.equal(d.QueryLanguage, "JSONata");
    assert.ok(d.TimeoutSeconds! <= 300, "an Express workflow runs at most 5 minutes");
  });

  it("reads writer, its own fence and one heartbeat per peer, strongly consistent, in the control table", () => {
    const read = state(def(), "ReadAdmission");
    const branches = read.Branches as AslDefinition[];
    const gets = branches.map((b) => b.States[b.StartAt] as State);
    assert.deepEqual(
      gets.map((g) => (g.Arguments as { Key: { pk: { S: string } } }).Key.pk.S),
      ["writer", "fence#eu-west-1", "heartbeat#us-east-1", "heartbeat#ap-southeast-2"],
    );
    for (const g of gets) {
      assert.equal(g.Resource, "arn:aws:states:::dynamodb:getItem");
      assert.deepEqual(
        {
          table: (g.Arguments as State).TableName,
          consistent: (g.Arguments as State).ConsistentRead,
        },
        { table: "shop-dr-control", consistent: true },
      );
      assert.ok((g.TimeoutSeconds as number) <= 5, "every read is bounded");
    }
    // An unreadable admission is a refusal, not an error that skips the gate.
    const catchAll = (read.Catch as State[]).find((c) =>
      (c.ErrorEquals as string[]).includes("States.ALL"),
    );
    assert.equal(catchAll?.Next, "AdmissionUnavailable");
    assert.equal(state(def(), "AdmissionUnavailable").Type, "Fail");
    assert.equal(state(def(), "AdmissionUnavailable").Error, NOT_ADMITTED_ERROR);
  });

  it("fails closed: no write is reachable without Decide's admission, whose Default is a Fail", () => {
    assert.deepEqual(ungatedWrites(def(), "Decide"), []);
    assert.equal(state(def(), "Refused").Type, "Fail");
    assert.equal(state(def(), "Refused").Error, NOT_ADMITTED_ERROR);
    const choices = state(def(), "Decide").Choices as State[];
    assert.deepEqual(choices, [
      { Condition: "{% $states.input.admit = true %}", Next: "WriteJob" },
    ]);
  });

  it("writes the job item with a condition, then puts the event on the cell's bus", () => {
    const write = state(def(), "WriteJob");
    const args = write.Arguments as State;
    assert.equal(write.Resource, "arn:aws:states:::dynamodb:putItem");
    assert.equal(args.TableName, "shop-orders");
    assert.equal(args.ConditionExpression, "attribute_not_exists(#pk)");
    assert.deepEqual(args.ExpressionAttributeNames, { "#pk": "pk" });
    const item = args.Item as Record<string, { S: string }>;
    assert.equal(item.pk.S, "{% 'job#' & $jobId %}");
    assert.equal(item.sk.S, "job");
    assert.equal(write.Next, "PublishEvent");
    const publish = state(def(), "PublishEvent");
    assert.equal(publish.Resource, "arn:aws:states:::events:putEvents");
    const [entry] = (publish.Arguments as { Entries: State[] }).Entries;
    assert.equal(entry.EventBusName, "shop-euw1-events");
    assert.equal(entry.Source, "shop.jobs");
  });

  it("builds the lease from every peer, with the configured lease in milliseconds", () => {
    const expr = admissionExpression(params);
    assert.match(expr, /^\{% \(.*\) %\}$/);
    assert.match(expr, /\$heard0 := \$r\[2\]\.item\.at\.N/);
    assert.match(expr, /\$heard1 := \$r\[3\]\.item\.at\.N/);
    assert.match(expr, /< 3000 or \$writtenAt >= \$number\(\$heard1\) \+ 3000/);
    assert.match(expr, /\$leaseOk := \$ok0 and \$ok1;/);
    assert.match(
      expr,
      /\$writerOk := \$exists\(\$w\) \? \$w\.region\.S = 'eu-west-1' : 'eu-west-1' = 'us-east-1';/,
    );
    // Expressions live inside JSON strings: no double quotes.
    assert.doesNotMatch(expr, /"/);
    assert.throws(
      () => admissionExpression({ ...params, region: "eu-west-1' or true or '" }),
      /cannot be embedded/,
    );
  });

  describe("the checkers fail on known-bad definitions", () => {
    const mutate = (f: (d: AslDefinition) => void): AslDefinition => {
      const d = def();
      f(d);
      return d;
    };
    it("a Next to no state", () => {
      const d = mutate((x) => (state(x, "WriteJob").Next = "Publish"));
      assert.ok(
        aslIssues(d).includes("WriteJob: goes to 'Publish', which is no state"),
        aslIssues(d).join("\n"),
      );
    });
    it("an unreachable state", () => {
      const d = mutate((x) => (x.States.Orphan = { Type: "Succeed" }));
      assert.deepEqual(aslIssues(d), ["Orphan: unreachable from StartAt"]);
    });
    it("a write without a Catch on States.ALL", () => {
      const d = mutate((x) => {
        state(x, "PublishEvent").Catch = [];
        delete x.States.PublishFailed;
      });
      assert.deepEqual(aslIssues(d), ["PublishEvent: a write without a Catch on States.ALL"]);
    });
    it("a state with both Next and End, a Choice without Default, a bad StartAt, inside a branch too", () => {
      const d = mutate((x) => {
        state(x, "Start").End = true;
        delete state(x, "Decide").Default;
        const branch = (state(x, "ReadAdmission").Branches as AslDefinition[])[0];
        branch.StartAt = "Nope";
      });
      const issues = aslIssues(d);
      assert.ok(issues.includes("Start: needs exactly one of Next and End"), issues.join("\n"));
      assert.ok(
        issues.some((i) => i.startsWith("Decide: a Choice without Default")),
        issues.join("\n"),
      );
      assert.ok(
        issues.includes("ReadAdmission.Branches[0].StartAt 'Nope' is no state"),
        issues.join("\n"),
      );
      // Refused is now unreachable too.
      assert.ok(issues.includes("Refused: unreachable from StartAt"), issues.join("\n"));
    });
    it("a write that bypasses admission, and a gate that defaults to a write", () => {
      const bypass = mutate((x) => (state(x, "Start").Next = "WriteJob"));
      assert.deepEqual(ungatedWrites(bypass, "Decide"), [
        "WriteJob: a write reachable without passing Decide's admission",
        "PublishEvent: a write reachable without passing Decide's admission",
      ]);
      const open = mutate((x) => (state(x, "Decide").Default = "PublishEvent"));
      assert.deepEqual(ungatedWrites(open, "Decide"), [
        "Decide: Default goes to 'PublishEvent', not a Fail state (fail closed)",
        "PublishEvent: a write reachable without passing Decide's admission",
      ]);
    });
  });
});
