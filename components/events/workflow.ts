/*
 * The cell's job workflow as Amazon States Language, built from plain values only (table and
 * bus names, regions, the lease), so the definition is known at preview and identical in every
 * cell but for the region. It honours the write-admission contract (docs/admission.md) the same
 * way the services do, in the workflow itself:
 *
 *   Start -> ReadAdmission (strongly consistent GetItems of writer, fence#<region> and one
 *   heartbeat#<peer> per peer, in parallel) -> Decide (fail closed) -> WriteJob (conditional
 *   PutItem) -> PublishEvent (PutEvents to the cell's bus) -> Accepted.
 *
 * Condition 3 of the contract (the database is writable) is true by construction: the workflow
 * writes only to a DynamoDB global table, which every replica accepts. A read that fails, a
 * malformed item or an expression error ends the run in a Fail state: nothing is written.
 */

/** What the definition is built from; all plain values. */
export interface JobWorkflowParams {
  /** The cell's region: the workflow admits writes only when the writer item names it. */
  region: string;
  /** The region that writes when the control table has no writer item. */
  homeRegion: string;
  /** Every other cell region; one heartbeat read each (the lease). */
  peerRegions: readonly string[];
  /** The DR control table (partition key `pk`). */
  controlTableName: string;
  /** Where the job item goes: a global table with a string partition key. */
  jobTable: { tableName: string; partitionKey: string; sortKey?: string };
  /** The cell's bus. */
  busName: string;
  /** The `source` of the events the workflow publishes (`shop.jobs`). */
  eventSource: string;
  /** The writer lease, seconds (docs/admission.md: the same value the services use). */
  leaseSeconds: number;
}

export const JOB_EVENT_DETAIL_TYPE = "JobAccepted";
/** The error every refusal ends with, so a caller (API Gateway) can map it to a 503. */
export const NOT_ADMITTED_ERROR = "WriteNotAdmitted";

type State = Record<string, unknown>;
export interface AslDefinition {
  Comment?: string;
  QueryLanguage?: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, State>;
}

// Errors worth a retry: throttling and service faults. Conditional-check failures and
// validation errors are not retried.
const DYNAMODB_TRANSIENT = [
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.RequestLimitExceeded",
  "DynamoDB.ThrottlingException",
  "DynamoDB.InternalServerErrorException",
  "States.Timeout",
];
const retry = (errors: string[]) => [
  {
    ErrorEquals: errors,
    IntervalSeconds: 1,
    MaxAttempts: 2,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];
// Bounds each call; the whole run is bounded by TimeoutSeconds below.
const TASK_TIMEOUT_SECONDS = 5;

/** JSONata string literal (single-quoted; the values are names and regions). */
function lit(value: string): string {
  if (!/^[\w.#:/-]*$/.test(value)) {
    throw new Error(`'${value}' cannot be embedded in the workflow's expressions`);
  }
  return `'${value}'`;
}

/**
 * The admission decision over the Parallel state's result: `[ {item?: writer}, {item?: fence},
 * {item?: heartbeat#peer0}, ... ]`. It mirrors `decideAdmission` (admission/decision.ts):
 * writer, then fence, then lease; an unreadable value (a bad `updatedAt`, a non-numeric `at`)
 * raises an expression error, which the state's Catch turns into a refusal.
 */
export function admissionExpression(p: JobWorkflowParams): string {
  const lease = p.leaseSeconds * 1000;
  const peers = p.peerRegions.map((_, i) => {
    const heard = `$r[${i + 2}].item.at.N`;
    return (
      `$heard${i} := ${heard}; ` +
      `$ok${i} := $exists($heard${i}) and (($now - $number($heard${i})) < ${lease} ` +
      `or $writtenAt >= $number($heard${i}) + ${lease});`
    );
  });
  const leaseOk =
    p.peerRegions.length === 0 ? "true" : p.peerRegions.map((_, i) => `$ok${i}`).join(" and ");
  return [
    "{% (",
    "$r := $states.result;",
    "$w := $r[0].item;",
    "$f := $r[1].item;",
    "$now := $millis();",
    "$writtenAt := $exists($w.updatedAt.S) ? $toMillis($w.updatedAt.S) : -1;",
    `$writerOk := $exists($w) ? $w.region.S = ${lit(p.region)} : ${lit(p.region)} = ${lit(p.homeRegion)};`,
    "$fenceOk := $not($exists($f)) or $f.fenced.BOOL = false;",
    ...peers,
    `$leaseOk := ${leaseOk};`,
    "{'admit': $writerOk and $fenceOk and $leaseOk,",
    " 'condition': $writerOk ? ($fenceOk ? ($leaseOk ? 'none' : 'lease') : 'fence') : 'writer'}",
    ") %}",
  ].join(" ");
}

function getItem(table: string, pk: string, name: string): State {
  return {
    StartAt: name,
    States: {
      [name]: {
        Type: "Task",
        Resource: "arn:aws:states:::dynamodb:getItem",
        Arguments: { TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true },
        // An absent item reads as {}: the decision tells "no item" from "item".
        Output: "{% {'item': $states.result.Item} %}",
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        Retry: retry(DYNAMODB_TRANSIENT),
        End: true,
      },
    },
  };
}

/** The job workflow's ASL definition (an object; `JSON.stringify` it for the resource). */
export function jobWorkflowDefinition(p: JobWorkflowParams): AslDefinition {
  const { region } = p;
  const jobItem: Record<string, unknown> = {
    [p.jobTable.partitionKey]: { S: "{% 'job#' & $jobId %}" },
    jobId: { S: "{% $jobId %}" },
    region: { S: region },
    payload: { S: "{% $string($job) %}" },
    acceptedAt: { S: "{% $now() %}" },
  };
  if (p.jobTable.sortKey) jobItem[p.jobTable.sortKey] = { S: "job" };
  return {
    Comment: `Job workflow of ${region}: admission (fail closed) -> conditional write -> event`,
    QueryLanguage: "JSONata",
    StartAt: "Start",
    // Express workflows run at most 5 minutes; a job that is not done in 60 s has failed.
    TimeoutSeconds: 60,
    States: {
      Start: {
        Type: "Pass",
        Assign: {
          job: "{% $states.input %}",
          // Idempotency key: the caller's jobId, else the execution's name (unique per start).
          jobId:
            "{% $type($states.input.jobId) = 'string' and $length($states.input.jobId) > 0 ? $states.input.jobId : $states.context.Execution.Name %}",
        },
        Next: "ReadAdmission",
      },
      ReadAdmission: {
        Type: "Parallel",
        Branches: [
          getItem(p.controlTableName, "writer", "GetWriter"),
          getItem(p.controlTableName, `fence#${region}`, "GetFence"),
          ...p.peerRegions.map((peer, i) =>
            getItem(p.controlTableName, `heartbeat#${peer}`, `GetHeartbeat${i}`),
          ),
        ],
        Output: admissionExpression(p),
        Catch: [
          {
            ErrorEquals: ["States.ALL"],
            Next: "AdmissionUnavailable",
            Output: "{% $states.errorOutput %}",
          },
        ],
        Next: "Decide",
      },
      Decide: {
        Type: "Choice",
        Choices: [{ Condition: "{% $states.input.admit = true %}", Next: "WriteJob" }],
        // Fail closed: anything but an explicit admission refuses.
        Default: "Refused",
      },
      WriteJob: {
        Type: "Task",
        Resource: "arn:aws:states:::dynamodb:putItem",
        Arguments: {
          TableName: p.jobTable.tableName,
          Item: jobItem,
          // Idempotent: a retried job never overwrites the item the first run wrote.
          ConditionExpression: "attribute_not_exists(#pk)",
          ExpressionAttributeNames: { "#pk": p.jobTable.partitionKey },
        },
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        Retry: retry(DYNAMODB_TRANSIENT),
        Catch: [
          // Already written by an earlier run of the same job: publish again (at least once;
          // consumers dedupe on jobId), so a run that failed after its write still announces it.
          { ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"], Next: "PublishEvent" },
          { ErrorEquals: ["States.ALL"], Next: "WriteFailed", Output: "{% $states.errorOutput %}" },
        ],
        Next: "PublishEvent",
      },
      PublishEvent: {
        Type: "Task",
        Resource: "arn:aws:states:::events:putEvents",
        Arguments: {
          Entries: [
            {
              EventBusName: p.busName,
              Source: p.eventSource,
              DetailType: JOB_EVENT_DETAIL_TYPE,
              Detail: { jobId: "{% $jobId %}", region },
            },
          ],
        },
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        // The optimized integration fails with EventBridge.FailedEntry on a rejected entry.
        Retry: retry([
          "EventBridge.FailedEntry",
          "EventBridge.EventBridgeException",
          "States.Timeout",
        ]),
        Catch: [
          {
            ErrorEquals: ["States.ALL"],
            Next: "PublishFailed",
            Output: "{% $states.errorOutput %}",
          },
        ],
        Next: "Accepted",
      },
      Accepted: {
        Type: "Succeed",
        Output: { jobId: "{% $jobId %}", region, status: "accepted" },
      },
      Refused: {
        Type: "Fail",
        Error: NOT_ADMITTED_ERROR,
        Cause: `{% 'write admission refused in ${region} (' & $string($states.input.condition) & '): send jobs to the writer region' %}`,
      },
      AdmissionUnavailable: {
        Type: "Fail",
        Error: NOT_ADMITTED_ERROR,
        Cause: `write admission could not be read in ${region}; refused (fail closed)`,
      },
      WriteFailed: {
        Type: "Fail",
        Error: "JobWriteFailed",
        Cause: "the job item could not be written",
      },
      PublishFailed: {
        Type: "Fail",
        Error: "JobEventFailed",
        Cause:
          "the job item was written but its event was not published; start the job again with the same jobId",
      },
    },
  };
}

/** Task resources that write (their failure must be caught, and they must sit behind admission). */
export const WRITE_RESOURCES = [
  "arn:aws:states:::dynamodb:putItem",
  "arn:aws:states:::dynamodb:updateItem",
  "arn:aws:states:::dynamodb:deleteItem",
  "arn:aws:states:::events:putEvents",
  "arn:aws:states:::sns:publish",
  "arn:aws:states:::sqs:sendMessage",
];
const TERMINAL = new Set(["Succeed", "Fail"]);
const KNOWN_TYPES = new Set([
  "Pass",
  "Task",
  "Choice",
  "Wait",
  "Succeed",
  "Fail",
  "Parallel",
  "Map",
]);

function edges(state: State): string[] {
  const out: string[] = [];
  if (typeof state.Next === "string") out.push(state.Next);
  if (typeof state.Default === "string") out.push(state.Default);
  for (const c of (state.Choices as State[] | undefined) ?? []) {
    if (typeof c.Next === "string") out.push(c.Next);
  }
  for (const c of (state.Catch as State[] | undefined) ?? []) {
    if (typeof c.Next === "string") out.push(c.Next);
  }
  return out;
}

function reachable(def: AslDefinition, skip: (from: string, to: string) => boolean): Set<string> {
  const seen = new Set<string>();
  const todo = [def.StartAt];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name) || !(name in def.States)) continue;
    seen.add(name);
    for (const to of edges(def.States[name])) if (!skip(name, to)) todo.push(to);
  }
  return seen;
}

/**
 * The shape problems of a definition: StartAt and every Next/Default/Catch target exist, every
 * state is reachable, each non-terminal state has exactly one of Next and End, a Choice has a
 * Default, and every writing Task catches States.ALL. Parallel branches are checked as their
 * own scopes. Empty when the definition is sound.
 */
export function aslIssues(def: AslDefinition, scope = ""): string[] {
  const issues: string[] = [];
  const names = Object.keys(def.States ?? {});
  const at = (n: string) => `${scope}${n}`;
  if (!(def.StartAt in (def.States ?? {})))
    issues.push(`${scope}StartAt '${def.StartAt}' is no state`);
  for (const [name, state] of Object.entries(def.States ?? {})) {
    const type = String(state.Type);
    if (!KNOWN_TYPES.has(type)) issues.push(`${at(name)}: unknown Type '${type}'`);
    for (const to of edges(state)) {
      if (!names.includes(to)) issues.push(`${at(name)}: goes to '${to}', which is no state`);
    }
    if (type === "Choice") {
      if (!Array.isArray(state.Choices) || state.Choices.length === 0) {
        issues.push(`${at(name)}: a Choice without Choices`);
      }
      if (typeof state.Default !== "string") {
        issues.push(
          `${at(name)}: a Choice without Default (no rule matching would fail the run with States.NoChoiceMatched, not a decided refusal)`,
        );
      }
    } else if (!TERMINAL.has(type)) {
      const hasNext = typeof state.Next === "string";
      if (hasNext === (state.End === true)) {
        issues.push(`${at(name)}: needs exactly one of Next and End`);
      }
    }
    if (type === "Task" && WRITE_RESOURCES.includes(String(state.Resource))) {
      const catchesAll = ((state.Catch as State[] | undefined) ?? []).some((c) =>
        (c.ErrorEquals as string[] | undefined)?.includes("States.ALL"),
      );
      if (!catchesAll) issues.push(`${at(name)}: a write without a Catch on States.ALL`);
    }
    if (type === "Parallel") {
      ((state.Branches as AslDefinition[] | undefined) ?? []).forEach((b, i) =>
        issues.push(...aslIssues(b, `${at(name)}.Branches[${i}].`)),
      );
    }
  }
  const seen = reachable(def, () => false);
  for (const name of names)
    if (!seen.has(name)) issues.push(`${at(name)}: unreachable from StartAt`);
  return issues;
}

/**
 * The writes reachable from StartAt without taking `gate`'s admitting Choices: every path to a
 * write must pass an admission. Empty when the gate holds; `gate`'s Default must be a Fail.
 */
export function ungatedWrites(def: AslDefinition, gate: string): string[] {
  const choice = def.States[gate];
  if (!choice || choice.Type !== "Choice") return [`'${gate}' is not a Choice state`];
  const admits = new Set(((choice.Choices as State[]) ?? []).map((c) => String(c.Next)));
  const problems: string[] = [];
  const fallback = def.States[String(choice.Default)];
  if (!fallback || fallback.Type !== "Fail") {
    problems.push(
      `${gate}: Default goes to '${String(choice.Default)}', not a Fail state (fail closed)`,
    );
  }
  const seen = reachable(def, (from, to) => from === gate && admits.has(to));
  for (const name of seen) {
    const s = def.States[name];
    if (s.Type === "Task" && WRITE_RESOURCES.includes(String(s.Resource))) {
      problems.push(`${name}: a write reachable without passing ${gate}'s admission`);
    }
  }
  return problems;
}
