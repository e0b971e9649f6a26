// `slotwise export` and `slotwise audit verify --file` against a real
// nats-server: an export verifies intact (plain and gzip, whole log and
// ranges that start mid-chain); changing one byte, dropping a line or
// truncating the file makes verify fail naming subject and sequence; bad
// input (empty ranges, existing output, unreadable files) exits non-zero.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/tools/cli_support.h"

using slotwise::testing::cli;
using slotwise::testing::contains;
using slotwise::testing::count_lines;
using slotwise::testing::read_file;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Exports `f`'s log to `file` and replaces the subject of biz_1's business
// commit with `subject` (a JSON string body, escapes included).
void export_with_subject(const slotwise::testing::StoreFixture& f, const std::string& file,
                         const std::string& subject) {
  REQUIRE(cli({"--nats=" + f.nats.url(), "export", "--out", file}).code == 0);
  std::string text = read_file(file);
  const std::string original = R"("subject":"sw.evt.business.biz_1")";
  REQUIRE(text.find(original) != std::string::npos);
  text.replace(text.find(original), original.size(), R"("subject":")" + subject + "\"");
  write_file(file, text);
}

}  // namespace

TEST_CASE("export writes the log as NDJSON that verifies intact; one changed byte is caught") {
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  const std::string url = "--nats=" + f.nats.url();
  slotwise::testing::TempDir dir("slotwise-export");
  const std::string file = dir.path() + "/log.ndjson";

  auto exported = cli({url, "export", "--out", file});
  CHECK(exported.code == 0);
  CHECK(contains(exported.out, "exported 8 commits (sequences 1..8, 4 aggregates)"));
  const std::string text = read_file(file);
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 10);  // header, 8 commits, end
  CHECK(contains(lines[0], R"("kind":"header","format":"slotwise-export","version":1)"));
  CHECK(contains(lines[9], R"("kind":"end","commits":8,"first_sequence":1,"last_sequence":8)"));
  CHECK(count_lines(text, R"("kind":"commit")") == 8);
  // Raw bytes, the headers needed to restore and verify, and a decoded copy.
  CHECK(contains(lines[1], R"("data":")"));
  CHECK(contains(lines[1], R"("sw-hash":")"));
  CHECK(contains(lines[1], R"("ce-id":"c-user")"));
  CHECK(contains(lines[1], R"("@type":"type.googleapis.com/slotwise.events.v1.UserRegistered")"));
  CHECK_FALSE(std::filesystem::exists(file + ".partial"));

  auto ok = cli({"audit", "verify", "--file", file});
  CHECK(ok.code == 0);
  CHECK(contains(ok.out, "intact: 8 commits over 4 aggregates"));
  auto ok_json = cli({"--json", "audit", "verify", "--file", file});
  CHECK(contains(ok_json.out, R"("intact":true,"commits_verified":8)"));

  SUBCASE("one changed byte in the commit bytes") {
    // Line 1 + booking_created is that commit; change one base64 character
    // in the middle of its data.
    std::string& line = lines[seeded.booking_created];
    const auto data = line.find(R"("data":")") + 8;
    const auto pos = data + 20;
    line[pos] = line[pos] == 'A' ? 'B' : 'A';
    write_file(file, join(lines));
    auto broken = cli({"audit", "verify", "--file", file});
    CHECK(broken.code == 1);
    CHECK(contains(broken.out, "BROKEN at subject sw.evt.calendar.biz_1 sequence " +
                                   std::to_string(seeded.booking_created)));
    auto json = cli({"--json", "audit", "verify", "--file", file});
    CHECK(json.code == 1);
    CHECK(contains(json.out, R"("intact":false)"));
    CHECK(contains(json.out, R"("subject":"sw.evt.calendar.biz_1","sequence":)" +
                                 std::to_string(seeded.booking_created)));
  }
  SUBCASE("one changed byte in the decoded copy") {
    std::string& line = lines[seeded.booking_confirmed];
    const auto pos = line.find("payment_succeeded");
    REQUIRE(pos != std::string::npos);
    line[pos] = 'P';
    write_file(file, join(lines));
    auto broken = cli({"audit", "verify", "--file", file});
    CHECK(broken.code == 1);
    CHECK(contains(broken.out, "subject sw.evt.calendar.biz_1 sequence " +
                                   std::to_string(seeded.booking_confirmed)));
  }
  SUBCASE("a dropped commit") {
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(seeded.booking_confirmed));
    write_file(file, join(lines));
    auto broken = cli({"audit", "verify", "--file", file});
    CHECK(broken.code == 1);
    CHECK(contains(broken.out, "sequence " + std::to_string(seeded.other_booking)));
  }
  SUBCASE("a truncated file") {
    lines.pop_back();
    write_file(file, join(lines));
    auto broken = cli({"audit", "verify", "--file", file});
    CHECK(broken.code == 1);
    CHECK(contains(broken.out, "truncated"));
  }
}

TEST_CASE("verify --file breaks at a record whose subject is outside the stream's prefix") {
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  slotwise::testing::TempDir dir("slotwise-export");
  const std::string file = dir.path() + "/log.ndjson";
  // Still ends in .business.biz_1 (the commit's own category and id), and the
  // hash chain does not cover the subject.
  export_with_subject(f, file, "zz.business.biz_1");

  auto broken = cli({"audit", "verify", "--file", file});
  CHECK(broken.code == 1);
  CHECK(contains(broken.out, "BROKEN at subject zz.business.biz_1 sequence " +
                                 std::to_string(seeded.business) + " (line " +
                                 std::to_string(seeded.business + 1) +
                                 "): the subject is not sw.evt.<category>.<id> of this stream"));
}

TEST_CASE("export ranges and categories, gzip, and partial chains verify on their own") {
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  const std::string url = "--nats=" + f.nats.url();
  slotwise::testing::TempDir dir("slotwise-export");

  const std::string gz = dir.path() + "/log.ndjson.gz";
  CHECK(cli({url, "export", "--out", gz, "--gzip"}).code == 0);
  const std::string bytes = read_file(gz);
  REQUIRE(bytes.size() > 2);
  CHECK(static_cast<unsigned char>(bytes[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(bytes[1]) == 0x8b);
  CHECK(cli({"audit", "verify", "--file", gz}).code == 0);

  // Starts in the middle of the calendar's chain: previous_hash anchors it.
  const std::string mid = dir.path() + "/mid.ndjson";
  auto ranged = cli({url, "export", "--from-seq", std::to_string(seeded.booking_confirmed),
                     "--to-seq", std::to_string(seeded.other_booking), "--out", mid});
  CHECK(ranged.code == 0);
  CHECK(contains(ranged.out, "exported 2 commits"));
  CHECK(contains(read_file(mid), R"("previous_hash":")"));
  auto mid_ok = cli({"audit", "verify", "--file", mid});
  CHECK(mid_ok.code == 0);
  CHECK(contains(mid_ok.out, "intact: 2 commits"));
  // --all asks for the whole log, which a range is not.
  auto mid_all = cli({"audit", "verify", "--file", mid, "--all"});
  CHECK(mid_all.code == 1);
  CHECK(contains(mid_all.out, "does not hold the whole log from sequence 1"));
  // One aggregate in a file: the file verified, and the aggregate in it.
  auto in_mid = cli({"audit", "verify", "--file", mid, "--aggregate", "biz_1"});
  CHECK(in_mid.code == 0);
  CHECK(contains(in_mid.out, "2 of them biz_1's"));
  auto absent = cli({"audit", "verify", "--file", mid, "--aggregate", "usr_1"});
  CHECK(absent.code == 1);
  CHECK(contains(absent.out, "no commits found for aggregate 'usr_1'"));

  const std::string cal = dir.path() + "/calendar.ndjson";
  auto category = cli({url, "export", "--category", "calendar", "--out", cal});
  CHECK(category.code == 0);
  CHECK(contains(category.out, "exported 5 commits"));
  CHECK(cli({"audit", "verify", "--file", cal}).code == 0);

  const std::string timed = dir.path() + "/timed.ndjson";
  CHECK(cli({url, "export", "--from-time", "2000-01-01T00:00:00Z", "--to-time",
             "2099-01-01T00:00:00Z", "--out", timed})
            .code == 0);
  CHECK(count_lines(read_file(timed), R"("kind":"commit")") == 8);
}

TEST_CASE("export and verify --file: bad input gets a message and a non-zero exit") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  const std::string url = "--nats=" + f.nats.url();
  slotwise::testing::TempDir dir("slotwise-export");
  const std::string file = dir.path() + "/x.ndjson";

  auto empty = cli({url, "export", "--from-seq", "100", "--out", file});
  CHECK(empty.code == 1);
  CHECK(contains(empty.out, "nothing to export"));
  CHECK_FALSE(std::filesystem::exists(file));
  CHECK_FALSE(std::filesystem::exists(file + ".partial"));
  auto future = cli({url, "export", "--from-time", "2099-01-01T00:00:00Z", "--out", file});
  CHECK(future.code == 1);
  auto reversed = cli({url, "export", "--from-seq", "5", "--to-seq", "2", "--out", file});
  CHECK(reversed.code == 2);
  CHECK(contains(reversed.out, "empty range"));
  CHECK(cli({url, "export"}).code == 2);  // --out is required
  CHECK(cli({url, "export", "--category", "nope", "--out", file}).code == 2);
  CHECK(cli({url, "export", "--from-time", "noon", "--out", file}).code == 2);

  CHECK(cli({url, "export", "--out", file}).code == 0);
  auto exists = cli({url, "export", "--out", file});
  CHECK(exists.code == 2);
  CHECK(contains(exists.out, "--force"));
  CHECK(cli({url, "export", "--out", file, "--force"}).code == 0);

  auto missing = cli({"audit", "verify", "--file", dir.path() + "/nope.ndjson"});
  CHECK(missing.code == 1);
  CHECK(contains(missing.out, "cannot read"));
  auto directory = cli({"audit", "verify", "--file", dir.path()});
  CHECK(directory.code == 1);
  const std::string junk = dir.path() + "/junk.txt";
  write_file(junk, "hello\n");
  auto not_export = cli({"audit", "verify", "--file", junk});
  CHECK(not_export.code == 1);
  CHECK(contains(not_export.out, "line 1"));
  write_file(junk, "");
  CHECK(cli({"audit", "verify", "--file", junk}).code == 1);
  // Issue 6's grammar: --file combines with --all (a whole-log export) and
  // with --aggregate; the two of those together stay a usage error.
  CHECK(cli({"audit", "verify", "--file", file, "--all"}).code == 0);
  CHECK(cli({"audit", "verify", "--file", file, "--aggregate", "bkg_1"}).code == 0);
  CHECK(cli({"audit", "verify", "--file", file, "--all", "--aggregate", "bkg_1"}).code == 2);
  CHECK(cli({"audit", "verify", "--file", file, "--aggregate", "a.b"}).code == 2);
}

TEST_CASE("export exits 1 with a message when its summary cannot be written") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  slotwise::testing::TempDir dir("slotwise-export");
  auto full = slotwise::testing::cli_to_full_device(
      {"--nats=" + f.nats.url(), "export", "--out", dir.path() + "/log.ndjson"});
  CHECK(full.code == 1);
  // The reason is lost when stderr's progress line flushed stdout first.
  CHECK(contains(full.out, "slotwise: cannot write output"));
}

TEST_CASE("verify --file exits 1 with a message when its verdict cannot be written") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  slotwise::testing::TempDir dir("slotwise-export");
  const std::string file = dir.path() + "/log.ndjson";
  REQUIRE(cli({"--nats=" + f.nats.url(), "export", "--out", file}).code == 0);
  auto full = slotwise::testing::cli_to_full_device({"audit", "verify", "--file", file});
  CHECK(full.code == 1);
  CHECK(contains(full.out, "slotwise: cannot write output: No space left on device"));
}

TEST_CASE("verify --file --json escapes the subject it names") {
  slotwise::testing::StoreFixture f;
  const auto seeded = slotwise::testing::seed_log(*f.store);
  slotwise::testing::TempDir dir("slotwise-export");
  const std::string file = dir.path() + "/log.ndjson";
  export_with_subject(f, file, R"(zz.\"x)");
  auto broken = cli({"--json", "audit", "verify", "--file", file});
  CHECK(broken.code == 1);
  CHECK(broken.out == R"({"intact":false,"line":)" + std::to_string(seeded.business + 1) +
                          R"(,"subject":"zz.\"x","sequence":)" + std::to_string(seeded.business) +
                          "}\n");
}

TEST_CASE("export --json escapes the file name") {
  slotwise::testing::StoreFixture f;
  slotwise::testing::seed_log(*f.store);
  slotwise::testing::TempDir dir("slotwise-export");
  auto exported =
      cli({"--nats=" + f.nats.url(), "--json", "export", "--out", dir.path() + "/a\"b.ndjson"});
  CHECK(exported.code == 0);
  CHECK(contains(exported.out, R"({"file":")" + dir.path() + R"(/a\"b.ndjson","commits":8,)"));
}
