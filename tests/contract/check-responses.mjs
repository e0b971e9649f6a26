#!/usr/bin/env node
// check-responses.mjs — do recorded HTTP responses conform to the OpenAPI spec?
//
// Usage: node tests/contract/check-responses.mjs <openapi.yaml> <exchanges.ndjson>
//
// Each non-blank line of <exchanges.ndjson> is one exchange:
//   {"method":"POST","path":"/v1/businesses/{id}/bookings","status":201,"body":{...}}
// `path` is the route PATTERN exactly as it appears under `paths:` in the spec
// (not a concrete URL); `body` is the parsed JSON response body, or null.
// Optional: `request`, the parsed JSON request body, and `spec_refuses`
// (boolean). A request is validated against the operation's
// requestBody content["application/json"].schema: one the server accepted
// (2xx) must conform (the spec may not be stricter than the server); one
// marked spec_refuses, refused by the server for a limit the spec should
// state (a length, a range, a pattern), must not conform (the spec may not
// promise more than the server takes).
//
// For each exchange the response object is looked up as
// paths[path][method].responses[status], falling back to the range key
// ("4XX") and then to "default" when the spec has them; anything else is an
// "undocumented status". The body is validated with Ajv (JSON Schema 2020-12,
// as OpenAPI 3.1 uses; ajv-formats for date-time and friends) against
// content["application/json"].schema, with every $ref resolved inside the
// spec. A response without a JSON content accepts only a null body. Headers
// are not checked.
//
// Output: one line per failing exchange on stdout, then
// "checked N exchanges, F failures".
// Exit status: 0 all conform, 1 at least one failure (including exchanges
// whose path or method the spec does not have, and malformed lines),
// 2 usage or I/O errors (missing arguments, unreadable or unparsable spec or
// exchanges file).
import { readFileSync } from "node:fs";
import process from "node:process";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";

const USAGE = "usage: node tests/contract/check-responses.mjs <openapi.yaml> <exchanges.ndjson>";
const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const SPEC_ID = "openapi";

function die(message) {
  process.stderr.write(`check-responses: ${message}\n`);
  process.exit(2);
}

// One JSON Pointer segment, escaped for use in a URI fragment.
function pointerSegment(segment) {
  return encodeURIComponent(String(segment).replace(/~/g, "~0").replace(/\//g, "~1"));
}

// Follows a local "$ref": "#/..." in the spec (for path items and responses,
// which are not JSON Schemas, so Ajv does not resolve them). Returns
// [object, pointer segments of where it was found].
function deref(spec, value, segments, seen = new Set()) {
  if (value === null || typeof value !== "object" || typeof value.$ref !== "string") {
    return [value, segments];
  }
  const ref = value.$ref;
  if (!ref.startsWith("#/") || seen.has(ref)) return [undefined, segments];
  seen.add(ref);
  const parts = ref
    .slice(2)
    .split("/")
    .map((p) => decodeURIComponent(p).replace(/~1/g, "/").replace(/~0/g, "~"));
  let target = spec;
  for (const p of parts) {
    if (target === null || typeof target !== "object" || !Object.hasOwn(target, p)) {
      return [undefined, parts];
    }
    target = target[p];
  }
  return deref(spec, target, parts, seen);
}

// The JSON media type entry of a response's content: exactly
// "application/json", else the first application/json (with parameters) or
// +json type.
function jsonMediaKey(content) {
  if (content === null || typeof content !== "object") return undefined;
  if (Object.hasOwn(content, "application/json")) return "application/json";
  return Object.keys(content).find((key) => {
    const type = key.split(";")[0].trim().toLowerCase();
    return type === "application/json" || /^application\/[^/]+\+json$/.test(type);
  });
}

function describeAjvErrors(errors) {
  return (errors ?? [])
    .map((e) => {
      const where = e.instancePath === "" ? "(body)" : e.instancePath;
      const extra =
        e.keyword === "additionalProperties"
          ? ` '${e.params.additionalProperty}'`
          : e.keyword === "enum"
            ? ` ${JSON.stringify(e.params.allowedValues)}`
            : "";
      return `${where} ${e.message}${extra} [${e.schemaPath}]`;
    })
    .join("; ");
}

function main(argv) {
  if (argv.length !== 2 || argv.some((a) => a === "-h" || a === "--help")) die(USAGE);
  const [specPath, exchangesPath] = argv;

  let spec;
  try {
    spec = parseYaml(readFileSync(specPath, "utf8"));
  } catch (e) {
    die(`cannot read spec ${specPath}: ${e.message}`);
  }
  if (spec === null || typeof spec !== "object" || typeof spec.paths !== "object") {
    die(`${specPath} is not an OpenAPI document (no paths)`);
  }

  let lines;
  try {
    lines = readFileSync(exchangesPath, "utf8").split(/\r?\n/);
  } catch (e) {
    die(`cannot read exchanges ${exchangesPath}: ${e.message}`);
  }

  // strict: false — the spec carries OpenAPI keywords Ajv does not know
  // (example, discriminator, ...) and is itself not a JSON Schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  try {
    ajv.addSchema(spec, SPEC_ID);
  } catch (e) {
    die(`cannot load ${specPath} into Ajv: ${e.message}`);
  }
  const validators = new Map();
  const validatorFor = (segments) => {
    const ref = `${SPEC_ID}#/${segments.map(pointerSegment).join("/")}`;
    if (!validators.has(ref)) {
      try {
        validators.set(ref, { validate: ajv.compile({ $ref: ref }) });
      } catch (e) {
        validators.set(ref, { error: `cannot compile schema ${ref}: ${e.message}` });
      }
    }
    return validators.get(ref);
  };

  let checked = 0;
  let failures = 0;
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    checked += 1;
    const fail = (what, message) => {
      failures += 1;
      process.stdout.write(`FAIL line ${index + 1}: ${what}: ${message}\n`);
    };

    let ex;
    try {
      ex = JSON.parse(line);
    } catch (e) {
      fail("(unparsable line)", `not JSON: ${e.message}`);
      return;
    }
    if (
      ex === null ||
      typeof ex !== "object" ||
      typeof ex.method !== "string" ||
      typeof ex.path !== "string" ||
      !Number.isInteger(ex.status) ||
      !Object.hasOwn(ex, "body")
    ) {
      fail("(malformed exchange)", 'expected {"method","path","status" (integer),"body"}');
      return;
    }
    const method = ex.method.toLowerCase();
    const status = String(ex.status);
    const what = `${ex.method.toUpperCase()} ${ex.path} ${status}`;

    const [pathItem, pathSegments] = deref(spec, spec.paths[ex.path], ["paths", ex.path]);
    if (!Object.hasOwn(spec.paths, ex.path) || pathItem === null || typeof pathItem !== "object") {
      fail(what, "path not in the spec");
      return;
    }
    if (!METHODS.has(method) || !Object.hasOwn(pathItem, method)) {
      fail(what, `method ${ex.method.toUpperCase()} not in the spec for this path`);
      return;
    }
    if (Object.hasOwn(ex, "request")) {
      const [requestBody, requestSegments] = deref(spec, pathItem[method]?.requestBody, [
        ...pathSegments,
        method,
        "requestBody",
      ]);
      const requestMedia = jsonMediaKey(requestBody?.content);
      if (requestMedia === undefined || !Object.hasOwn(requestBody.content[requestMedia], "schema")) {
        fail(what, "request given, but the operation documents no JSON request schema");
      } else {
        const rv = validatorFor([...requestSegments, "content", requestMedia, "schema"]);
        if (rv.error) {
          fail(what, rv.error);
        } else if (ex.spec_refuses === true) {
          if (rv.validate(ex.request)) {
            fail(what, "the server refused this request, but the request schema accepts it");
          }
        } else if (status.startsWith("2") && !rv.validate(ex.request)) {
          fail(
            what,
            `the server accepted this request, but the request schema refuses it: ${describeAjvErrors(rv.validate.errors)}`,
          );
        }
      }
    }
    const responses = pathItem[method]?.responses ?? {};
    const key = [status, `${status[0]}XX`, `${status[0]}xx`, "default"].find(
      (k) => Object.hasOwn(responses, k),
    );
    if (key === undefined) {
      fail(what, "undocumented status");
      return;
    }
    const [response, responseSegments] = deref(spec, responses[key], [
      ...pathSegments,
      method,
      "responses",
      key,
    ]);
    if (response === undefined || response === null || typeof response !== "object") {
      fail(what, `response ${key} has an unresolvable $ref`);
      return;
    }
    const mediaKey = jsonMediaKey(response.content);
    if (mediaKey === undefined) {
      if (ex.body !== null) {
        fail(what, "body given, but the response documents no application/json content");
      }
      return;
    }
    if (!Object.hasOwn(response.content[mediaKey] ?? {}, "schema")) return;
    const v = validatorFor([...responseSegments, "content", mediaKey, "schema"]);
    if (v.error) {
      fail(what, v.error);
      return;
    }
    if (!v.validate(ex.body)) fail(what, describeAjvErrors(v.validate.errors));
  });

  process.stdout.write(`checked ${checked} exchanges, ${failures} failures\n`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
