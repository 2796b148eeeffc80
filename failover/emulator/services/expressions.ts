import { RESERVED_WORDS } from "./reservedWords";

/**
 * DynamoDB's expression language, as far as conditional writes and updates need it: condition
 * expressions (comparisons, BETWEEN, IN, AND/OR/NOT, parentheses and the functions
 * attribute_exists, attribute_not_exists, attribute_type, begins_with, contains and size) and
 * update expressions (SET with + and -, if_not_exists and list_append; REMOVE; ADD; DELETE).
 *
 * Written here rather than borrowed from dynalite because `failover emulate` ships in the
 * operator CLI and dynalite is a devDependency; expressions.test.ts checks with fast-check
 * that both agree on generated expressions. Semantics follow dynalite (whose tests run against
 * real DynamoDB), with two deliberate differences: numbers compare by value ("1.0" = "1"), and
 * lists and maps compare by content.
 */

/** An AttributeValue as it travels in DynamoDB's JSON (binary as base64). */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

export type Item = Record<string, AttributeValue>;

/** A request's expression (syntax, an undefined placeholder, a bad operand): ValidationException. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpressionError";
  }
}

export type PathElement = string | number;
export type Path = PathElement[];

export type Operand =
  | { kind: "path"; path: Path }
  | { kind: "value"; value: AttributeValue }
  | { kind: "size"; path: Path };

export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type Condition =
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; arg: Condition }
  | { kind: "compare"; op: Comparator; left: Operand; right: Operand }
  | { kind: "between"; arg: Operand; low: Operand; high: Operand }
  | { kind: "in"; arg: Operand; list: Operand[] }
  | { kind: "function"; name: ConditionFunction; args: Operand[] };

type ConditionFunction =
  "attribute_exists" | "attribute_not_exists" | "attribute_type" | "begins_with" | "contains";

const ARITY: Record<ConditionFunction | "size", number> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};

const TYPES = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"];

/**
 * The placeholders of one request. Every expression of the request resolves through it, and
 * afterwards `unused()` lists the names and values no expression used (AWS refuses those).
 */
export class Placeholders {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  constructor(
    readonly names: Record<string, string> = {},
    readonly values: Record<string, AttributeValue> = {},
  ) {
    for (const k of Object.keys(names)) {
      if (!/^#[0-9A-Za-z_]+$/.test(k)) {
        throw new ExpressionError(
          `ExpressionAttributeNames contains invalid key: Syntax error; key: "${k}"`,
        );
      }
    }
    for (const k of Object.keys(values)) {
      if (!/^:[0-9A-Za-z_]+$/.test(k)) {
        throw new ExpressionError(
          `ExpressionAttributeValues contains invalid key: Syntax error; key: "${k}"`,
        );
      }
    }
  }

  name(placeholder: string): string {
    if (!Object.hasOwn(this.names, placeholder)) {
      throw new ExpressionError(
        `An expression attribute name used in the document path is not defined; attribute name: ${placeholder}`,
      );
    }
    this.usedNames.add(placeholder);
    return this.names[placeholder];
  }

  value(placeholder: string): AttributeValue {
    if (!Object.hasOwn(this.values, placeholder)) {
      throw new ExpressionError(
        `An expression attribute value used in expression is not defined; attribute value: ${placeholder}`,
      );
    }
    this.usedValues.add(placeholder);
    return this.values[placeholder];
  }

  /** Throws when a name or value was given but no expression used it. */
  checkAllUsed(): void {
    const names = Object.keys(this.names).filter((k) => !this.usedNames.has(k));
    if (names.length > 0) {
      throw new ExpressionError(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(", ")}}`,
      );
    }
    const values = Object.keys(this.values).filter((k) => !this.usedValues.has(k));
    if (values.length > 0) {
      throw new ExpressionError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(", ")}}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { t: "name"; v: string }
  | { t: "#"; v: string }
  | { t: ":"; v: string }
  | { t: "int"; v: string }
  | { t: "op"; v: string }
  | { t: "end"; v: "" };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re =
    /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([0-9]+)|(<>|<=|>=|[=<>(),.[\]+-]))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) {
      const near = text.slice(i).trimStart();
      throw new ExpressionError(
        `Syntax error; token: "${near.charAt(0)}", near: "${near.slice(0, 10)}"`,
      );
    }
    i = re.lastIndex;
    if (m[1]) out.push({ t: "name", v: m[1] });
    else if (m[2]) out.push({ t: "#", v: m[2] });
    else if (m[3]) out.push({ t: ":", v: m[3] });
    else if (m[4]) out.push({ t: "int", v: m[4] });
    else out.push({ t: "op", v: m[5] });
  }
  out.push({ t: "end", v: "" });
  return out;
}

const KEYWORDS = new Set(["AND", "OR", "NOT", "BETWEEN", "IN"]);

class Parser {
  private i = 0;
  private readonly tokens: Token[];
  /** Conditions that came straight out of parentheses: wrapping them again is redundant. */
  private readonly parenthesized = new WeakSet<Condition>();

  constructor(
    text: string,
    private readonly placeholders: Placeholders,
  ) {
    if (text.trim() === "") throw new ExpressionError("The expression can not be empty;");
    this.tokens = tokenize(text);
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    return this.tokens[this.i++] ?? { t: "end", v: "" };
  }

  private isOp(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === "op" && t.v === v;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.t === "name" && t.v.toUpperCase() === word;
  }

  private expectOp(v: string): void {
    if (!this.isOp(v)) this.syntaxError();
    this.i++;
  }

  syntaxError(): never {
    const t = this.peek();
    if (t.t === "end") throw new ExpressionError("Syntax error; token: <EOF>, near: end of input");
    throw new ExpressionError(`Syntax error; token: "${t.v}"`);
  }

  /** Consumes a comma if one is next. */
  comma(): boolean {
    if (!this.isOp(",")) return false;
    this.i++;
    return true;
  }

  atEnd(): boolean {
    return this.peek().t === "end";
  }

  condition(): Condition {
    let c = this.conjunction();
    while (this.isKeyword("OR")) {
      this.i++;
      c = { kind: "or", left: c, right: this.conjunction() };
    }
    return c;
  }

  private conjunction(): Condition {
    let c = this.negation();
    while (this.isKeyword("AND")) {
      this.i++;
      c = { kind: "and", left: c, right: this.negation() };
    }
    return c;
  }

  private negation(): Condition {
    if (this.isKeyword("NOT")) {
      this.i++;
      // NOT takes one condition, not another NOT: `NOT NOT x` is a syntax error (as dynalite).
      if (this.isKeyword("NOT")) this.syntaxError();
      return { kind: "not", arg: this.atom() };
    }
    return this.atom();
  }

  private atom(): Condition {
    if (this.isOp("(")) {
      this.i++;
      const inner = this.condition();
      this.expectOp(")");
      if (this.parenthesized.has(inner)) {
        throw new ExpressionError("The expression has redundant parentheses;");
      }
      this.parenthesized.add(inner);
      return inner;
    }
    const t = this.peek();
    if (t.t === "name" && this.isOp("(", 1) && t.v !== "size") {
      const name = t.v;
      if (!Object.hasOwn(ARITY, name)) {
        throw new ExpressionError(`Invalid function name; function: ${name}`);
      }
      this.i += 2;
      const args = this.arguments();
      if (isComparator(this.peek())) {
        throw new ExpressionError(
          `The function is not allowed to be used this way in an expression; function: ${name}`,
        );
      }
      return this.checkFunction(name as ConditionFunction, args);
    }
    const left = this.operand();
    const op = this.peek();
    if (isComparator(op)) {
      this.i++;
      const right = this.operand();
      checkDistinct(op.v, left, right);
      if (op.v !== "=" && op.v !== "<>") {
        for (const x of [left, right]) checkOrderable(op.v, x);
      }
      return { kind: "compare", op: op.v as Comparator, left, right };
    }
    if (this.isKeyword("BETWEEN")) {
      this.i++;
      const low = this.operand();
      if (!this.isKeyword("AND")) this.syntaxError();
      this.i++;
      const high = this.operand();
      for (const x of [left, low, high]) checkOrderable("BETWEEN", x);
      checkBounds(low, high);
      return { kind: "between", arg: left, low, high };
    }
    if (this.isKeyword("IN")) {
      this.i++;
      this.expectOp("(");
      const list = [this.operand()];
      while (this.isOp(",")) {
        this.i++;
        list.push(this.operand());
      }
      this.expectOp(")");
      return { kind: "in", arg: left, list };
    }
    if (left.kind === "size") {
      throw new ExpressionError(
        "The function is not allowed to be used this way in an expression; function: size",
      );
    }
    return this.syntaxError();
  }

  private arguments(): Operand[] {
    const args: Operand[] = [];
    if (!this.isOp(")")) {
      args.push(this.operand());
      while (this.isOp(",")) {
        this.i++;
        args.push(this.operand());
      }
    }
    this.expectOp(")");
    return args;
  }

  private checkFunction(name: ConditionFunction, args: Operand[]): Condition {
    if (args.length !== ARITY[name]) {
      throw new ExpressionError(
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      );
    }
    if (args.length === 2) checkDistinct(name, args[0], args[1]);
    const typeOf = (o: Operand) => (o.kind === "value" ? typeName(o.value) : undefined);
    switch (name) {
      case "attribute_exists":
      case "attribute_not_exists":
        if (args[0].kind !== "path") {
          throw new ExpressionError(
            `Operator or function requires a document path; operator or function: ${name}`,
          );
        }
        break;
      case "attribute_type": {
        const v = args[1];
        if (v.kind !== "value" || !("S" in v.value)) {
          throw new ExpressionError(
            `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${typeOf(v) ?? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"}`,
          );
        }
        if (!TYPES.includes(v.value.S)) {
          throw new ExpressionError(
            `Invalid attribute type name found; type: ${v.value.S}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`,
          );
        }
        break;
      }
      case "begins_with":
        for (const a of args) {
          const type = typeOf(a);
          if (type && type !== "S" && type !== "B") {
            throw new ExpressionError(
              `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`,
            );
          }
        }
        break;
      case "contains":
        break;
    }
    return { kind: "function", name, args };
  }

  operand(): Operand {
    const t = this.peek();
    if (t.t === ":") {
      this.i++;
      return { kind: "value", value: this.placeholders.value(t.v) };
    }
    if (t.t === "name" && t.v === "size" && this.isOp("(", 1)) {
      this.i += 2;
      const args = this.arguments();
      if (args.length !== 1) {
        throw new ExpressionError(
          `Incorrect number of operands for operator or function; operator or function: size, number of operands: ${args.length}`,
        );
      }
      const a = args[0];
      if (a.kind === "value") {
        const type = typeName(a.value);
        if (type === "N" || type === "BOOL" || type === "NULL") {
          throw new ExpressionError(
            `Incorrect operand type for operator or function; operator or function: size, operand type: ${type}`,
          );
        }
      }
      if (a.kind !== "path") {
        throw new ExpressionError(
          "Operator or function requires a document path; operator or function: size",
        );
      }
      return { kind: "size", path: a.path };
    }
    return { kind: "path", path: this.path() };
  }

  path(): Path {
    const path: Path = [this.pathName()];
    for (;;) {
      if (this.isOp(".")) {
        this.i++;
        path.push(this.pathName());
      } else if (this.isOp("[")) {
        this.i++;
        const n = this.next();
        if (n.t !== "int") this.syntaxError();
        this.expectOp("]");
        path.push(Number(n.v));
      } else {
        return path;
      }
    }
  }

  private pathName(): string {
    const t = this.peek();
    if (t.t === "#") {
      this.i++;
      return this.placeholders.name(t.v);
    }
    if (t.t === "name" && !KEYWORDS.has(t.v.toUpperCase())) {
      if (RESERVED_WORDS.has(t.v.toUpperCase())) {
        throw new ExpressionError(`Attribute name is a reserved keyword; reserved keyword: ${t.v}`);
      }
      this.i++;
      return t.v;
    }
    return this.syntaxError();
  }

  // --- update expressions ---------------------------------------------------------------------

  update(): UpdateAction[] {
    const actions: UpdateAction[] = [];
    const seen = new Set<string>();
    while (!this.atEnd()) {
      const t = this.next();
      const clause = t.t === "name" ? t.v.toUpperCase() : "";
      if (!["SET", "REMOVE", "ADD", "DELETE"].includes(clause)) {
        this.i--;
        this.syntaxError();
      }
      if (seen.has(clause)) {
        throw new ExpressionError(
          `The "${clause}" section can only be used once in an update expression;`,
        );
      }
      seen.add(clause);
      do {
        if (actions.length > 0 && this.isOp(",")) this.i++;
        const path = this.path();
        if (clause === "SET") {
          this.expectOp("=");
          actions.push({ kind: "set", path, value: this.setValue() });
        } else if (clause === "REMOVE") {
          actions.push({ kind: "remove", path });
        } else {
          const v = this.peek();
          if (v.t !== ":") this.syntaxError();
          this.i++;
          actions.push({
            kind: clause === "ADD" ? "add" : "delete",
            path,
            value: this.placeholders.value(v.v),
          });
        }
      } while (this.isOp(","));
    }
    if (actions.length === 0) this.syntaxError();
    return actions;
  }

  private setValue(): SetValue {
    const left = this.setOperand();
    if (this.isOp("+") || this.isOp("-")) {
      const op = this.next().v as "+" | "-";
      return { kind: "arith", op, left, right: this.setOperand() };
    }
    return left;
  }

  private setOperand(): SetValue {
    const t = this.peek();
    if (t.t === "name" && this.isOp("(", 1)) {
      if (t.v !== "if_not_exists" && t.v !== "list_append") {
        throw new ExpressionError(`Invalid function name; function: ${t.v}`);
      }
      this.i += 2;
      const a = this.setOperand();
      this.expectOp(",");
      const b = this.setOperand();
      this.expectOp(")");
      if (t.v === "if_not_exists") {
        if (a.kind !== "path") {
          throw new ExpressionError(
            "Operator or function requires a document path; operator or function: if_not_exists",
          );
        }
        return { kind: "if_not_exists", path: a.path, fallback: b };
      }
      return { kind: "list_append", left: a, right: b };
    }
    const o = this.operand();
    if (o.kind === "size") {
      throw new ExpressionError(
        "The function is not allowed in an update expression; function: size",
      );
    }
    return o;
  }
}

function isComparator(t: Token): boolean {
  return t.t === "op" && ["=", "<>", "<", "<=", ">", ">="].includes(t.v);
}

function checkDistinct(op: string, a: Operand, b: Operand): void {
  if (a.kind === "path" && b.kind === "path" && samePath(a.path, b.path)) {
    throw new ExpressionError(
      `The first operand must be distinct from the remaining operands for this operator or function; operator: ${op}, first operand: [${a.path.join(", ")}]`,
    );
  }
}

function checkOrderable(op: string, o: Operand): void {
  if (o.kind !== "value") return;
  const type = typeName(o.value);
  if (type !== "N" && type !== "S" && type !== "B") {
    throw new ExpressionError(
      `Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${type}`,
    );
  }
}

function checkBounds(low: Operand, high: Operand): void {
  if (low.kind !== "value" || high.kind !== "value") return;
  if (typeName(low.value) !== typeName(high.value)) {
    throw new ExpressionError(
      `The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: ${JSON.stringify(low.value)}, upper bound operand: AttributeValue: ${JSON.stringify(high.value)}`,
    );
  }
  if (order(low.value, high.value)! > 0) {
    throw new ExpressionError(
      "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
    );
  }
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Parses a ConditionExpression; placeholders resolve (and are marked used) through `p`. */
export function parseCondition(text: string, p: Placeholders): Condition {
  const parser = new Parser(text, p);
  const c = parser.condition();
  if (!parser.atEnd()) parser.syntaxError();
  return c;
}

/** A ProjectionExpression: comma-separated document paths. */
export function parseProjection(text: string, p: Placeholders): Path[] {
  const parser = new Parser(text, p);
  const paths = [parser.path()];
  while (!parser.atEnd()) {
    if (!parser.comma()) parser.syntaxError();
    paths.push(parser.path());
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export function typeName(v: AttributeValue): string {
  return Object.keys(v)[0];
}

/** The value at `path` in `item`, or undefined when any step is missing. */
export function resolvePath(item: Item | undefined, path: Path): AttributeValue | undefined {
  let cur: AttributeValue | undefined = item ? { M: item } : undefined;
  for (const s of path) {
    if (cur === undefined) return undefined;
    cur = step(cur, s);
  }
  return cur;
}

function resolve(o: Operand, item: Item | undefined): AttributeValue | undefined {
  switch (o.kind) {
    case "value":
      return o.value;
    case "path":
      return resolvePath(item, o.path);
    case "size": {
      const v = resolvePath(item, o.path);
      if (!v) return undefined;
      let n: number | undefined;
      if ("S" in v) n = v.S.length;
      else if ("B" in v) n = Buffer.from(v.B, "base64").length;
      else if ("SS" in v) n = v.SS.length;
      else if ("NS" in v) n = v.NS.length;
      else if ("BS" in v) n = v.BS.length;
      else if ("L" in v) n = v.L.length;
      else if ("M" in v) n = Object.keys(v.M).length;
      return n === undefined ? undefined : { N: String(n) };
    }
  }
}

/** Whether `c` holds for `item` (undefined: no item stored under the key). */
export function evaluate(c: Condition, item: Item | undefined): boolean {
  switch (c.kind) {
    case "and":
      return evaluate(c.left, item) && evaluate(c.right, item);
    case "or":
      return evaluate(c.left, item) || evaluate(c.right, item);
    case "not":
      return !evaluate(c.arg, item);
    case "compare": {
      const a = resolve(c.left, item);
      const b = resolve(c.right, item);
      if (c.op === "=") return a !== undefined && b !== undefined && equal(a, b);
      if (c.op === "<>") return !(a !== undefined && b !== undefined && equal(a, b));
      const o = a && b ? order(a, b) : undefined;
      if (o === undefined) return false;
      return c.op === "<" ? o < 0 : c.op === "<=" ? o <= 0 : c.op === ">" ? o > 0 : o >= 0;
    }
    case "between": {
      const v = resolve(c.arg, item);
      const lo = resolve(c.low, item);
      const hi = resolve(c.high, item);
      if (!v || !lo || !hi) return false;
      const a = order(v, lo);
      const b = order(v, hi);
      return a !== undefined && b !== undefined && a >= 0 && b <= 0;
    }
    case "in": {
      const v = resolve(c.arg, item);
      return (
        v !== undefined &&
        c.list.some((o) => {
          const x = resolve(o, item);
          return x !== undefined && equal(v, x);
        })
      );
    }
    case "function": {
      const [a, b] = c.args.map((o) => resolve(o, item));
      switch (c.name) {
        case "attribute_exists":
          return a !== undefined;
        case "attribute_not_exists":
          return a === undefined;
        case "attribute_type":
          return a !== undefined && b !== undefined && "S" in b && typeName(a) === b.S;
        case "begins_with":
          if (!a || !b) return false;
          if ("S" in a && "S" in b) return a.S.startsWith(b.S);
          if ("B" in a && "B" in b) {
            const x = Buffer.from(a.B, "base64");
            const y = Buffer.from(b.B, "base64");
            return x.length >= y.length && x.subarray(0, y.length).equals(y);
          }
          return false;
        case "contains":
          return !!a && !!b && contains(a, b);
      }
    }
  }
}

function contains(container: AttributeValue, v: AttributeValue): boolean {
  if ("S" in container) return "S" in v && container.S.includes(v.S);
  if ("B" in container) {
    return "B" in v && Buffer.from(container.B, "base64").includes(Buffer.from(v.B, "base64"));
  }
  if ("SS" in container) return "S" in v && container.SS.includes(v.S);
  if ("NS" in container) return "N" in v && container.NS.some((n) => compareNumbers(n, v.N) === 0);
  if ("BS" in container) {
    return (
      "B" in v &&
      container.BS.some((b) => Buffer.from(b, "base64").equals(Buffer.from(v.B, "base64")))
    );
  }
  if ("L" in container) return container.L.some((x) => equal(x, v));
  return false;
}

/** DynamoDB equality: same type and value; sets ignore order; numbers compare by value. */
export function equal(a: AttributeValue, b: AttributeValue): boolean {
  if ("S" in a) return "S" in b && a.S === b.S;
  if ("N" in a) return "N" in b && compareNumbers(a.N, b.N) === 0;
  if ("B" in a) return "B" in b && Buffer.from(a.B, "base64").equals(Buffer.from(b.B, "base64"));
  if ("BOOL" in a) return "BOOL" in b && a.BOOL === b.BOOL;
  if ("NULL" in a) return "NULL" in b;
  if ("SS" in a) return "SS" in b && sameSet(a.SS, b.SS, (x, y) => x === y);
  if ("NS" in a) return "NS" in b && sameSet(a.NS, b.NS, (x, y) => compareNumbers(x, y) === 0);
  if ("BS" in a) return "BS" in b && sameSet(a.BS, b.BS, (x, y) => x === y);
  if ("L" in a)
    return "L" in b && a.L.length === b.L.length && a.L.every((x, i) => equal(x, b.L[i]));
  const bm = "M" in b ? b.M : undefined;
  if (!bm) return false;
  const keys = Object.keys(a.M);
  return (
    keys.length === Object.keys(bm).length &&
    keys.every((k) => Object.hasOwn(bm, k) && equal(a.M[k], bm[k]))
  );
}

function sameSet<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => eq(x, y)));
}

/** Order of two scalars of one type (N by value, S and B by bytes); undefined otherwise. */
export function order(a: AttributeValue, b: AttributeValue): number | undefined {
  if ("N" in a && "N" in b) return compareNumbers(a.N, b.N);
  if ("S" in a && "S" in b) return Buffer.compare(Buffer.from(a.S), Buffer.from(b.S));
  if ("B" in a && "B" in b) {
    return Buffer.compare(Buffer.from(a.B, "base64"), Buffer.from(b.B, "base64"));
  }
  return undefined;
}

/** Exact comparison of two decimal strings (DynamoDB keeps 38 digits; doubles do not). */
export function compareNumbers(a: string, b: string): number {
  const x = decimal(a);
  const y = decimal(b);
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  const mag = compareMagnitude(x, y);
  return x.sign < 0 ? -mag : mag;
}

interface Decimal {
  sign: -1 | 0 | 1;
  /** Significant digits without leading or trailing zeros. */
  digits: string;
  /** Position of the decimal point relative to the first digit (scientific exponent + 1). */
  point: number;
}

function decimal(text: string): Decimal {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) {
    throw new ExpressionError(`A value provided cannot be converted into a number: ${text}`);
  }
  const all = m[2] + (m[3] ?? "");
  let point = m[2].length + Number(m[4] ?? 0);
  const lead = all.length - all.replace(/^0+/, "").length;
  const digits = all.slice(lead).replace(/0+$/, "");
  point -= lead;
  if (digits === "") return { sign: 0, digits: "", point: 0 };
  return { sign: m[1] === "-" ? -1 : 1, digits, point };
}

/** A number as DynamoDB returns it: no exponent, no leading or trailing zeros ("1.50" -> "1.5"). */
export function canonicalNumber(text: string): string {
  const d = decimal(text);
  if (d.sign === 0) return "0";
  let out: string;
  if (d.point <= 0) out = `0.${"0".repeat(-d.point)}${d.digits}`;
  else if (d.point >= d.digits.length) out = d.digits + "0".repeat(d.point - d.digits.length);
  else out = `${d.digits.slice(0, d.point)}.${d.digits.slice(d.point)}`;
  return d.sign < 0 ? `-${out}` : out;
}

function compareMagnitude(x: Decimal, y: Decimal): number {
  if (x.point !== y.point) return x.point < y.point ? -1 : 1;
  const n = Math.max(x.digits.length, y.digits.length);
  const a = x.digits.padEnd(n, "0");
  const b = y.digits.padEnd(n, "0");
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Update expressions

export type SetValue =
  | Operand
  | { kind: "arith"; op: "+" | "-"; left: SetValue; right: SetValue }
  | { kind: "if_not_exists"; path: Path; fallback: SetValue }
  | { kind: "list_append"; left: SetValue; right: SetValue };

export type UpdateAction =
  | { kind: "set"; path: Path; value: SetValue }
  | { kind: "remove"; path: Path }
  | { kind: "add" | "delete"; path: Path; value: AttributeValue };

export function parseUpdate(text: string, p: Placeholders): UpdateAction[] {
  return new Parser(text, p).update();
}

/** Applies the actions to a copy of `item` (undefined: a new item) and returns the copy. */
export function applyUpdate(item: Item | undefined, actions: UpdateAction[]): Item {
  const before = item ?? {};
  const out = structuredClone(before);
  for (const a of actions) {
    switch (a.kind) {
      case "set":
        // Operands read the item as it was before the update, as DynamoDB does.
        setPath(out, a.path, setValue(a.value, before));
        break;
      case "remove":
        removePath(out, a.path);
        break;
      case "add": {
        const cur = resolvePath(out, a.path);
        if (!cur) setPath(out, a.path, a.value);
        else if ("N" in cur && "N" in a.value)
          setPath(out, a.path, { N: addNumbers(cur.N, a.value.N, 1) });
        else setPath(out, a.path, setUnion(cur, a.value, true));
        break;
      }
      case "delete": {
        const cur = resolvePath(out, a.path);
        if (!cur) break;
        const left = setUnion(cur, a.value, false);
        if (setSize(left) === 0) removePath(out, a.path);
        else setPath(out, a.path, left);
        break;
      }
    }
  }
  return out;
}

function setValue(v: SetValue, item: Item): AttributeValue {
  switch (v.kind) {
    case "value":
      return v.value;
    case "path":
    case "size": {
      const x = resolve(v, item);
      if (!x) {
        throw new ExpressionError(
          "The provided expression refers to an attribute that does not exist in the item",
        );
      }
      return x;
    }
    case "if_not_exists":
      return resolvePath(item, v.path) ?? setValue(v.fallback, item);
    case "list_append": {
      const a = setValue(v.left, item);
      const b = setValue(v.right, item);
      if (!("L" in a) || !("L" in b)) {
        throw new ExpressionError(
          "Incorrect operand type for operator or function; operator or function: list_append",
        );
      }
      return { L: [...a.L, ...b.L] };
    }
    case "arith": {
      const a = setValue(v.left, item);
      const b = setValue(v.right, item);
      if (!("N" in a) || !("N" in b)) {
        throw new ExpressionError(
          `Incorrect operand type for operator or function; operator: ${v.op}`,
        );
      }
      return { N: addNumbers(a.N, b.N, v.op === "+" ? 1 : -1) };
    }
  }
}

/** a + sign * b, exactly, for decimal strings. */
function addNumbers(a: string, b: string, sign: 1 | -1): string {
  const scale = (s: string) => {
    const d = decimal(s);
    // As an integer times 10^exp: digits * 10^(point - digits.length).
    return {
      n: BigInt((d.sign < 0 ? "-" : "") + (d.digits || "0")),
      exp: d.point - d.digits.length,
    };
  };
  const x = scale(a);
  const y = scale(b);
  const exp = Math.min(x.exp, y.exp);
  const sum = x.n * 10n ** BigInt(x.exp - exp) + BigInt(sign) * y.n * 10n ** BigInt(y.exp - exp);
  const neg = sum < 0n;
  let digits = (neg ? -sum : sum).toString();
  if (exp >= 0) digits += "0".repeat(exp);
  else {
    digits = digits.padStart(-exp + 1, "0");
    digits = `${digits.slice(0, exp)}.${digits.slice(exp)}`.replace(/\.?0+$/, "");
  }
  return (neg && digits !== "0" ? "-" : "") + digits;
}

function setUnion(cur: AttributeValue, v: AttributeValue, add: boolean): AttributeValue {
  const pick = (a: string[], b: string[]) =>
    add ? [...a, ...b.filter((x) => !a.includes(x))] : a.filter((x) => !b.includes(x));
  if ("SS" in cur && "SS" in v) return { SS: pick(cur.SS, v.SS) };
  if ("NS" in cur && "NS" in v) return { NS: pick(cur.NS, v.NS) };
  if ("BS" in cur && "BS" in v) return { BS: pick(cur.BS, v.BS) };
  throw new ExpressionError(`An operand in the update expression has an incorrect data type`);
}

function setSize(v: AttributeValue): number {
  if ("SS" in v) return v.SS.length;
  if ("NS" in v) return v.NS.length;
  if ("BS" in v) return v.BS.length;
  return 1;
}

function setPath(item: Item, path: Path, value: AttributeValue): void {
  let container: AttributeValue = { M: item };
  for (let i = 0; i < path.length - 1; i++) {
    const next = step(container, path[i]);
    if (!next) {
      throw new ExpressionError(
        "The document path provided in the update expression is invalid for update",
      );
    }
    container = next;
  }
  const last = path[path.length - 1];
  if (typeof last === "number" && "L" in container) {
    if (last >= container.L.length) container.L.push(value);
    else container.L[last] = value;
  } else if (typeof last === "string" && "M" in container) {
    container.M[last] = value;
  } else {
    throw new ExpressionError(
      "The document path provided in the update expression is invalid for update",
    );
  }
}

function removePath(item: Item, path: Path): void {
  let container: AttributeValue | undefined = { M: item };
  for (let i = 0; i < path.length - 1 && container; i++) container = step(container, path[i]);
  const last = path[path.length - 1];
  if (!container) return;
  if (typeof last === "number" && "L" in container) container.L.splice(last, 1);
  else if (typeof last === "string" && "M" in container) delete container.M[last];
}

function step(v: AttributeValue, s: PathElement): AttributeValue | undefined {
  if (typeof s === "number") return "L" in v ? v.L[s] : undefined;
  return "M" in v && Object.hasOwn(v.M, s) ? v.M[s] : undefined;
}

/**
 * The attributes of `item` named by `paths` (a ProjectionExpression). Nested map paths keep
 * their enclosing maps; a path through a list index keeps the whole top-level attribute (an
 * approximation: DynamoDB compacts the list to the selected elements).
 */
export function project(item: Item, paths: Path[]): Item {
  const out: Item = {};
  for (const path of paths) {
    const v = resolvePath(item, path);
    if (v === undefined) continue;
    const head = path[0] as string;
    if (path.some((s) => typeof s === "number")) {
      out[head] = item[head];
      continue;
    }
    let target = out;
    for (const s of path.slice(0, -1) as string[]) {
      const cur = target[s];
      if (!cur || !("M" in cur)) target[s] = { M: {} };
      target = (target[s] as { M: Item }).M;
    }
    target[path[path.length - 1] as string] = v;
  }
  return out;
}
