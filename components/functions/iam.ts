import { fencePk, heartbeatPk, WRITER_PK } from "../../admission";

/*
 * The functions' permissions, each limited to the one resource it needs in this region.
 * Pure builders over plain strings (called inside pulumi.all), so tests read the documents.
 */

type Statement = Record<string, unknown>;

export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
});

/** Logs to its own group, traces to X-Ray (PutTraceSegments takes no resource ARN). */
function runtimeStatements(logGroupArn: string): Statement[] {
  return [
    {
      Sid: "OwnLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${logGroupArn}:*`,
    },
    {
      Sid: "XRay",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*",
    },
  ];
}

/**
 * Admission reads (docs/admission.md, "IAM for a service"): GetItem on the control table in
 * this region, only the writer item, this region's fence and the peers' heartbeats.
 */
export function admissionReadStatement(controlTableArn: string, region: string): Statement {
  return {
    Sid: "AdmissionReads",
    Effect: "Allow",
    Action: "dynamodb:GetItem",
    Resource: controlTableArn,
    Condition: {
      "ForAllValues:StringLike": {
        "dynamodb:LeadingKeys": [WRITER_PK, fencePk(region), heartbeatPk("*")],
      },
    },
  };
}

export interface ConsumerPolicyInput {
  region: string;
  queueArn: string;
  tableArn: string;
  controlTableArn: string;
  kmsKeyArn: string;
  logGroupArn: string;
}

export function queueConsumerPolicy(p: ConsumerPolicyInput): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PollQueue",
        Effect: "Allow",
        Action: [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
        ],
        Resource: p.queueArn,
      },
      // The queue and the environment variables are encrypted with the cell key.
      { Sid: "CellKey", Effect: "Allow", Action: "kms:Decrypt", Resource: p.kmsKeyArn },
      {
        Sid: "ConditionalWrites",
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: p.tableArn,
      },
      admissionReadStatement(p.controlTableArn, p.region),
      ...runtimeStatements(p.logGroupArn),
    ],
  });
}

export interface StreamPolicyInput {
  tableArn: string;
  busArn: string;
  topicArn: string;
  failureQueueArn: string;
  kmsKeyArn: string;
  logGroupArn: string;
}

export function streamProcessorPolicy(p: StreamPolicyInput): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadStream",
        Effect: "Allow",
        Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        // Any stream of this one table: the label changes if the stream is ever re-enabled.
        Resource: `${p.tableArn}/stream/*`,
      },
      // ListStreams has no resource-level permission.
      { Sid: "ListStreams", Effect: "Allow", Action: "dynamodb:ListStreams", Resource: "*" },
      { Sid: "PutEvents", Effect: "Allow", Action: "events:PutEvents", Resource: p.busArn },
      { Sid: "Publish", Effect: "Allow", Action: "sns:Publish", Resource: p.topicArn },
      {
        Sid: "OnFailureDestination",
        Effect: "Allow",
        Action: "sqs:SendMessage",
        Resource: p.failureQueueArn,
      },
      // The topic, the on-failure queue and the environment are encrypted with the cell key.
      {
        Sid: "CellKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: p.kmsKeyArn,
      },
      ...runtimeStatements(p.logGroupArn),
    ],
  });
}
