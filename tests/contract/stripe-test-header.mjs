#!/usr/bin/env node
// Writes a Stripe-Signature header for a payload, made by the official
// `stripe` npm package's stripe.webhooks.generateTestHeaderString — the
// reference implementation the command side's verifier must accept
// (tests/command-side/stripe_npm_contract_test.cc).
//
// Usage: node stripe-test-header.mjs <payload-file> <secret> <out-file> [unix-timestamp]
import { readFileSync, writeFileSync } from 'node:fs';
import Stripe from 'stripe';

const [payloadFile, secret, outFile, timestamp] = process.argv.slice(2);
if (!payloadFile || !secret || !outFile) {
  process.stderr.write('usage: stripe-test-header.mjs <payload-file> <secret> <out-file> [timestamp]\n');
  process.exit(2);
}
const stripe = new Stripe('sk_test_not_used_for_signing');
const options = { payload: readFileSync(payloadFile, 'utf8'), secret };
if (timestamp) options.timestamp = Number(timestamp);
writeFileSync(outFile, stripe.webhooks.generateTestHeaderString(options));
