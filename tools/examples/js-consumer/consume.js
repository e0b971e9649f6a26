#!/usr/bin/env node
// SlotWise example analytics consumer (JavaScript): follows the event log
// stream with an ordered JetStream consumer (no server-side state to clean
// up) and prints every event as one JSON line, decoded with protobufjs from
// the contracts in schemas/slotwise/events/v1/*.proto.
//
//   node consume.js [--nats URL] [--stream SLOTWISE] [--subject 'sw.evt.>']
//                   [--from-seq N | --new] [--limit N] [--idle-ms N]
//                   [--schemas DIR]
//
// One message = one commit (slotwise.events.v1.Commit) of 1..n events, each a
// google.protobuf.Any whose type_url is "type.googleapis.com/<full name>".
// See docs/consuming-the-log.md. Dependencies: npm `nats`, `protobufjs`
// (installed by the repository's `npm ci`, or this folder's package.json).
"use strict";

const path = require("path");
const { connect, consumerOpts } = require("nats");
const protobuf = require("protobufjs");

function parseArgs(argv) {
  const opts = {
    nats: process.env.SLOTWISE_NATS_URL || "nats://127.0.0.1:54222",
    stream: process.env.SLOTWISE_STREAM || "SLOTWISE",
    subject: "sw.evt.>",
    fromSeq: 1,
    onlyNew: false,
    limit: 0,
    idleMs: 0,
    schemas: path.resolve(__dirname, "../../../schemas"),
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const int = (v) => {
      if (!/^\d+$/.test(v)) throw new Error(`${a}: '${v}' is not a non-negative integer`);
      return Number(v);
    };
    switch (a) {
      case "--nats": opts.nats = next(); break;
      case "--stream": opts.stream = next(); break;
      case "--subject": opts.subject = next(); break;
      case "--from-seq": opts.fromSeq = int(next()); break;
      case "--new": opts.onlyNew = true; break;
      case "--limit": opts.limit = int(next()); break;
      case "--idle-ms": opts.idleMs = int(next()); break;
      case "--schemas": opts.schemas = path.resolve(next()); break;
      case "-h": case "--help":
        process.stdout.write(
          "usage: consume.js [--nats URL] [--stream NAME] [--subject FILTER] " +
          "[--from-seq N | --new] [--limit N] [--idle-ms N] [--schemas DIR]\n");
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return opts;
}

// google.protobuf.Timestamp as RFC 3339 text, as the proto3 JSON mapping
// (and `slotwise tail`) writes it. Registered before any schema loads.
protobuf.wrappers[".google.protobuf.Timestamp"] = {
  fromObject(object) {
    if (typeof object === "string") {
      const ms = Date.parse(object);
      return this.fromObject({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
    }
    return this.fromObject(object);
  },
  toObject(message) {
    const ms = Number(message.seconds || 0) * 1000 + Math.floor((message.nanos || 0) / 1e6);
    return new Date(ms).toISOString().replace(".000Z", "Z");
  },
};

// Loads every event contract; imports resolve against the schemas folder,
// google/protobuf/* against protobufjs's bundled well-known types.
function loadSchemas(dir) {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) =>
    target.startsWith("google/protobuf/") ? target : path.join(dir, target);
  const files = ["common", "commit", "account", "business", "calendar", "payment"]
    .map((f) => `slotwise/events/v1/${f}.proto`);
  root.loadSync(files);
  root.resolveAll();
  return root;
}

const toObjectOptions = { longs: String, enums: String, bytes: String, defaults: false };

function actorText(a) {
  if (!a || (!a.kind && !a.id)) return "-";
  return `${String(a.kind || "ACTOR_KIND_UNSPECIFIED").replace("ACTOR_KIND_", "").toLowerCase()}:${a.id || ""}`;
}

// One JSON object per event of a commit message.
function decodeCommit(root, Commit, m) {
  const commit = Commit.decode(m.data);
  const c = Commit.toObject(commit, toObjectOptions);
  const headers = {};
  if (m.headers) for (const [k, v] of m.headers) headers[k] = v.length === 1 ? v[0] : v;
  return (commit.events || []).map((rec, index) => {
    // The bundled well-known Any keeps its .proto field names (type_url).
    const url = rec.payload ? rec.payload.type_url || rec.payload.typeUrl || "" : "";
    const type = url.substring(url.lastIndexOf("/") + 1);
    let event;
    try {
      const T = root.lookupType(type);
      event = T.toObject(T.decode(rec.payload.value), toObjectOptions);
    } catch (e) {
      event = { "@type": url, "@error": String(e.message || e) };
    }
    return {
      sequence: m.info.streamSequence,
      subject: m.subject,
      time: new Date(Number(BigInt(m.info.timestampNanos) / 1000000n)).toISOString(),
      category: c.category,
      aggregate_id: c.aggregateId,
      version: m.info.streamSequence,
      previous_version: Number(c.previousVersion || 0),
      commit_id: c.commitId,
      event_id: rec.eventId,
      event_index: index,
      type,
      correlation_id: c.correlationId || headers["sw-correlation-id"] || "",
      causation_id: c.causationId || headers["sw-causation-id"] || "",
      actor: actorText(c.actor),
      source: c.source || "",
      committed_at: c.committedAt || "",
      hash: headers["sw-hash"] || "",
      event,
    };
  });
}

async function main() {
  // A closed pipe (`| head`) ends the consumer quietly.
  process.stdout.on("error", (e) => process.exit(e.code === "EPIPE" ? 0 : 1));
  const opts = parseArgs(process.argv);
  const root = loadSchemas(opts.schemas);
  const Commit = root.lookupType("slotwise.events.v1.Commit");
  const nc = await connect({ servers: opts.nats.split(","), name: "slotwise-js-consumer" });
  const js = nc.jetstream();
  const co = consumerOpts();
  co.orderedConsumer();
  co.bindStream(opts.stream);
  if (opts.onlyNew) co.deliverNew();
  else co.startSequence(Math.max(1, opts.fromSeq));
  const sub = await js.subscribe(opts.subject, co);

  let printed = 0;
  let idle = null;
  const stop = () => sub.unsubscribe();
  const armIdle = () => {
    if (!opts.idleMs) return;
    if (idle) clearTimeout(idle);
    idle = setTimeout(stop, opts.idleMs);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  armIdle();
  for await (const m of sub) {
    armIdle();
    let lines;
    try {
      lines = decodeCommit(root, Commit, m);
    } catch (e) {
      process.stderr.write(`skipping undecodable message ${m.subject} #${m.info.streamSequence}: ${e.message}\n`);
      continue;
    }
    for (const line of lines) {
      process.stdout.write(JSON.stringify(line) + "\n");
      if (opts.limit && ++printed >= opts.limit) break;
    }
    if (opts.limit && printed >= opts.limit) break;
  }
  if (idle) clearTimeout(idle);
  await nc.drain();
}

main().catch((e) => {
  process.stderr.write(`slotwise-js-consumer: ${e.message || e}\n`);
  process.exit(1);
});
