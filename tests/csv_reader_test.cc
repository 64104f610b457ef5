#include "engine/csv_reader.h"

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace probity {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Matches the reader's internal chunk size; the boundary tests place tricky
// bytes at multiples of it.
constexpr size_t kChunk = size_t{1} << 20;

// A CsvRow copied out of the reader's buffer.
struct Row {
  std::vector<std::string> fields;
  std::string raw;
  uint64_t line = 0;
  std::string error;
};

std::vector<Row> ReadAll(CsvReader* reader) {
  std::vector<Row> rows;
  CsvRow row;
  while (reader->Next(&row)) {
    Row r;
    for (std::string_view f : row.fields) r.fields.emplace_back(f);
    r.raw = std::string(row.raw);
    r.line = row.line;
    r.error = row.error;
    rows.push_back(std::move(r));
  }
  EXPECT_TRUE(reader->status().ok()) << reader->status();
  return rows;
}

std::unique_ptr<CsvReader> FromString(std::string data, CsvOptions options = {}) {
  auto reader = CsvReader::FromString(std::move(data), options, "test.csv");
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? std::move(*reader) : nullptr;
}

std::vector<Row> ParseString(std::string data, CsvOptions options = {}) {
  auto reader = FromString(std::move(data), options);
  if (reader == nullptr) return {};
  return ReadAll(reader.get());
}

// Parses `data` both from memory and from a real file; both must agree.
std::vector<Row> ParseBoth(const std::string& data, CsvOptions options = {}) {
  std::vector<Row> from_string = ParseString(data, options);
  testing::TempDir dir;
  const std::string path = dir.File("in.csv");
  testing::WriteFile(path, data);
  auto reader = CsvReader::Open(path, options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {};
  std::vector<Row> from_file = ReadAll(reader->get());
  EXPECT_EQ((*reader)->bytes_read(), data.size());
  EXPECT_EQ((*reader)->total_bytes(), data.size());
  EXPECT_EQ(from_file.size(), from_string.size());
  for (size_t i = 0; i < std::min(from_file.size(), from_string.size()); ++i) {
    EXPECT_EQ(from_file[i].fields, from_string[i].fields) << "row " << i;
    EXPECT_EQ(from_file[i].raw, from_string[i].raw) << "row " << i;
    EXPECT_EQ(from_file[i].line, from_string[i].line) << "row " << i;
    EXPECT_EQ(from_file[i].error, from_string[i].error) << "row " << i;
  }
  return from_string;
}

absl::Status OpenError(const std::string& data, CsvOptions options = {}) {
  auto reader = CsvReader::FromString(data, options, "in.csv");
  return reader.ok() ? absl::OkStatus() : reader.status();
}

TEST(CsvReaderTest, SimpleLf) {
  auto reader = FromString("id,name\n1,Ann\n2,Bob\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->header(), ElementsAre("id", "name"));
  EXPECT_EQ(reader->delimiter(), ',');
  EXPECT_EQ(reader->name(), "test.csv");
  std::vector<Row> rows = ReadAll(reader.get());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "Ann"));
  EXPECT_EQ(rows[0].raw, "1,Ann");
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[0].error, "");
  EXPECT_THAT(rows[1].fields, ElementsAre("2", "Bob"));
  EXPECT_EQ(rows[1].line, 3u);
  CsvRow row;
  EXPECT_FALSE(reader->Next(&row));
  EXPECT_FALSE(reader->Next(&row));  // stays at the end
}

TEST(CsvReaderTest, CrlfBomAndNoFinalNewline) {
  std::vector<Row> rows = ParseBoth("\xEF\xBB\xBFid,name\r\n1,Ann\r\n2,Bob");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "Ann"));
  EXPECT_EQ(rows[0].raw, "1,Ann");
  EXPECT_THAT(rows[1].fields, ElementsAre("2", "Bob"));
  EXPECT_EQ(rows[1].line, 3u);
  auto reader = FromString("\xEF\xBB\xBFid,name\r\n");
  EXPECT_THAT(reader->header(), ElementsAre("id", "name"));
}

TEST(CsvReaderTest, FinalCrWithoutLf) {
  std::vector<Row> rows = ParseBoth("a,b\n1,2\r");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "2"));
  rows = ParseBoth("a,b\n1,\"2\"\r");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "2"));
}

TEST(CsvReaderTest, InnerCrIsData) {
  std::vector<Row> rows = ParseBoth("a,b\n1,x\ry\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "x\ry"));
}

TEST(CsvReaderTest, BlankLinesSkippedButCounted) {
  std::vector<Row> rows = ParseBoth("\n\na,b\n\n1,2\n   \n\r\n \t \n3,4\n\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "2"));
  EXPECT_EQ(rows[0].line, 5u);
  EXPECT_THAT(rows[1].fields, ElementsAre("3", "4"));
  EXPECT_EQ(rows[1].line, 9u);
}

TEST(CsvReaderTest, QuotedFields) {
  std::vector<Row> rows = ParseBoth(
      "id,note\n"
      "1,\"a,b\"\n"
      "2,\"say \"\"hi\"\"\"\n"
      "3,\"line1\nline2\r\nline3\"\n"
      "4,x,extra\n"
      "5,\"\"\n"
      "\"6\",y\n");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "a,b"));
  EXPECT_EQ(rows[0].raw, "1,\"a,b\"");
  EXPECT_THAT(rows[1].fields, ElementsAre("2", "say \"hi\""));
  EXPECT_THAT(rows[2].fields, ElementsAre("3", "line1\nline2\r\nline3"));
  EXPECT_EQ(rows[2].raw, "3,\"line1\nline2\r\nline3\"");
  EXPECT_EQ(rows[2].line, 4u);
  EXPECT_EQ(rows[2].error, "");
  // The multi-line row occupied lines 4-6, so this one is on line 7.
  EXPECT_EQ(rows[3].line, 7u);
  EXPECT_EQ(rows[3].error, "expected 2 fields, found 3");
  EXPECT_EQ(rows[3].raw, "4,x,extra");
  EXPECT_THAT(rows[4].fields, ElementsAre("5", ""));
  EXPECT_EQ(rows[4].line, 8u);
  EXPECT_THAT(rows[5].fields, ElementsAre("6", "y"));
  EXPECT_EQ(rows[5].line, 9u);
}

TEST(CsvReaderTest, EmptyFields) {
  std::vector<Row> rows = ParseBoth("a,b,c\n,\"\",\n,,\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("", "", ""));
  EXPECT_THAT(rows[1].fields, ElementsAre("", "", ""));
  EXPECT_EQ(rows[1].error, "");
}

TEST(CsvReaderTest, FebrlStyleTrimming) {
  const std::string data =
      "rec_id, given_name, surname\n"
      "rec-1-org, michaela , neumann\n"
      "rec-2-org,\tcourtney\t,  \"painter, jr\"  \n";
  std::vector<Row> rows = ParseBoth(data);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("rec-1-org", "michaela", "neumann"));
  EXPECT_THAT(rows[1].fields, ElementsAre("rec-2-org", "courtney", "painter, jr"));

  CsvOptions keep;
  keep.trim_unquoted = false;
  auto reader = FromString(data, keep);
  EXPECT_THAT(reader->header(), ElementsAre("rec_id", "given_name", "surname"));  // always trimmed
  rows = ReadAll(reader.get());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("rec-1-org", " michaela ", " neumann"));
  // Without trimming, a quote after a space is not an opening quote.
  EXPECT_THAT(rows[1].fields,
              ElementsAre("rec-2-org", "\tcourtney\t", "  \"painter", " jr\"  "));
  EXPECT_EQ(rows[1].error, "expected 3 fields, found 4");
}

TEST(CsvReaderTest, QuotedContentIsNeverTrimmed) {
  std::vector<Row> rows = ParseBoth("a,b\n\"  x \", \" y\"\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("  x ", " y"));
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsLiteral) {
  std::vector<Row> rows = ParseBoth("a,b,c\n1,O\"Brien,x\"\n2,5\" tall,\"q\"\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "O\"Brien", "x\""));
  EXPECT_EQ(rows[0].error, "");
  EXPECT_THAT(rows[1].fields, ElementsAre("2", "5\" tall", "q"));
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAppended) {
  std::vector<Row> rows = ParseBoth("a,b,c\n\"ab\"cd,\"x\"  ,\"p\"\"q\"r s \n\"e\"\"\"\"\",2,3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("abcd", "x", "p\"qr s"));
  EXPECT_EQ(rows[0].error, "");
  EXPECT_THAT(rows[1].fields, ElementsAre("e\"\"", "2", "3"));
}

TEST(CsvReaderTest, DetectsDelimiter) {
  auto tab = FromString("a\tb\tc\n1\t\t3\n");
  EXPECT_EQ(tab->delimiter(), '\t');
  std::vector<Row> rows = ReadAll(tab.get());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "", "3"));  // trimming keeps tab delimiters

  auto pipe = FromString("a|b, c|d\n1|x, y|2\n");
  EXPECT_EQ(pipe->delimiter(), '|');
  EXPECT_THAT(pipe->header(), ElementsAre("a", "b, c", "d"));
  rows = ReadAll(pipe.get());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "x, y", "2"));

  auto semi = FromString("\"x,y,z\";b;c\n1;2;3\n");
  EXPECT_EQ(semi->delimiter(), ';');  // commas inside quotes do not count
  EXPECT_THAT(semi->header(), ElementsAre("x,y,z", "b", "c"));

  auto none = FromString("id\n1\n");
  EXPECT_EQ(none->delimiter(), ',');
  auto tie = FromString("a,b;c\n");
  EXPECT_EQ(tie->delimiter(), ',');
}

TEST(CsvReaderTest, ExplicitDelimiter) {
  CsvOptions options;
  options.delimiter = ';';
  auto reader = FromString("a,b;c\n1,2;3\n", options);
  EXPECT_EQ(reader->delimiter(), ';');
  EXPECT_THAT(reader->header(), ElementsAre("a,b", "c"));
  options.delimiter = '#';
  std::vector<Row> rows = ParseBoth("a#b\n\"x#y\"#2\n", options);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("x#y", "2"));
  options.delimiter = ' ';  // spaces are then not trimmed
  rows = ParseBoth("a b c\n1  3\n", options);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "", "3"));
  options.delimiter = '"';
  EXPECT_EQ(OpenError("a\"b\n", options).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvReaderTest, TabOnlyLineIsNotBlankWithTabDelimiter) {
  std::vector<Row> rows = ParseBoth("a\tb\n\t\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("", ""));
}

TEST(CsvReaderTest, InvalidUtf8AndNulRows) {
  const std::string data = std::string("a,b\n1,caf\xE9\n2,ok\n3,x") + '\0' + "y\n4,caf\xC3\xA9\n";
  std::vector<Row> rows = ParseBoth(data);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].error, "invalid UTF-8");
  EXPECT_EQ(rows[0].raw, "1,caf\xE9");
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[1].error, "");
  EXPECT_THAT(rows[1].fields, ElementsAre("2", "ok"));
  EXPECT_EQ(rows[2].error, "NUL byte");
  EXPECT_EQ(rows[2].raw, std::string("3,x") + '\0' + "y");
  EXPECT_EQ(rows[2].line, 4u);
  EXPECT_EQ(rows[3].error, "");
  EXPECT_THAT(rows[3].fields, ElementsAre("4", "caf\xC3\xA9"));

  CsvOptions lax;
  lax.validate_utf8 = false;
  rows = ParseString(data, lax);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].error, "");
  EXPECT_THAT(rows[0].fields, ElementsAre("1", "caf\xE9"));
  EXPECT_EQ(rows[2].error, "");
}

TEST(CsvReaderTest, UnterminatedQuoteReportsFirstLineAndResumes) {
  std::vector<Row> rows = ParseBoth("a,b\n1,\"open\r\n2,x\n3,y");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].error, "unterminated quoted field");
  EXPECT_EQ(rows[0].raw, "1,\"open");
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_TRUE(rows[0].fields.empty());
  EXPECT_THAT(rows[1].fields, ElementsAre("2", "x"));
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[1].error, "");
  EXPECT_EQ(rows[2].line, 4u);

  rows = ParseBoth("a,b\n1,\"never closed");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].error, "unterminated quoted field");
  EXPECT_EQ(rows[0].raw, "1,\"never closed");
}

TEST(CsvReaderTest, OversizedRowInMemory) {
  CsvOptions options;
  options.max_row_bytes = 100;
  const std::string big(3000, 'z');
  std::vector<Row> rows =
      ParseBoth("a,b\n1," + big + "\n2,\"" + big + "\nmore\"\n3,ok\n4," + std::string(98, 'k'),
                options);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].error, "row longer than 100 bytes");
  EXPECT_EQ(rows[0].raw, "1," + std::string(1022, 'z'));
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_TRUE(rows[0].fields.empty());
  EXPECT_EQ(rows[1].error, "row longer than 100 bytes");
  EXPECT_EQ(rows[1].raw.size(), 1024u);
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_THAT(rows[2].fields, ElementsAre("3", "ok"));
  EXPECT_EQ(rows[2].line, 5u);
  EXPECT_EQ(rows[3].error, "");  // exactly max_row_bytes is fine
  EXPECT_EQ(rows[3].raw.size(), 100u);
  EXPECT_EQ(rows[3].fields[1], std::string(98, 'k'));
}

TEST(CsvReaderTest, OversizedRowLongerThanTheBufferIsSkippedInConstantMemory) {
  CsvOptions options;
  options.max_row_bytes = 1000;
  // 3 MiB rows: the reader gives up after max_row_bytes and skips to the line end.
  const std::string big(3 * kChunk, 'z');
  std::vector<Row> rows = ParseBoth(
      "a,b\n1,ok\n2," + big + "\n3,\"" + big + "\",x\n4,fine\n", options);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].error, "");
  EXPECT_EQ(rows[1].error, "row longer than 1000 bytes");
  EXPECT_EQ(rows[1].raw, "2," + std::string(1022, 'z'));
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[2].error, "row longer than 1000 bytes");
  EXPECT_EQ(rows[2].line, 4u);
  EXPECT_THAT(rows[3].fields, ElementsAre("4", "fine"));
  EXPECT_EQ(rows[3].line, 5u);
}

TEST(CsvReaderTest, HeaderOnly) {
  for (const char* data : {"a,b\n", "a,b", "a,b\r\n\r\n"}) {
    auto reader = FromString(data);
    ASSERT_NE(reader, nullptr);
    EXPECT_THAT(reader->header(), ElementsAre("a", "b"));
    CsvRow row;
    EXPECT_FALSE(reader->Next(&row));
    EXPECT_TRUE(reader->status().ok());
  }
}

TEST(CsvReaderTest, HeaderNamesTrimmedAndUnquoted) {
  auto reader = FromString("\"  id \",  name\t, \"a \"\"b\"\"\"\n");
  EXPECT_THAT(reader->header(), ElementsAre("id", "name", "a \"b\""));
}

TEST(CsvReaderTest, OpenErrors) {
  absl::Status s = OpenError("");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "in.csv: empty file (no header row)");
  EXPECT_EQ(OpenError("\n\r\n  \n").message(), "in.csv: empty file (no header row)");
  EXPECT_EQ(OpenError("\xEF\xBB\xBF").message(), "in.csv: empty file (no header row)");

  s = OpenError("a,,c\n1,2,3\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "in.csv: line 1: empty column name at position 2");
  EXPECT_EQ(OpenError("a,b,\n").message(), "in.csv: line 1: empty column name at position 3");
  EXPECT_EQ(OpenError("a, \"  \"\n").message(),
            "in.csv: line 1: empty column name at position 2");
  s = OpenError("a,b, a\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "in.csv: line 1: duplicate column name 'a' at positions 1 and 3");
  EXPECT_EQ(OpenError("\n\nx,x\n").message(),
            "in.csv: line 3: duplicate column name 'x' at positions 1 and 2");

  s = OpenError(std::string("PK\x03\x04\x14\0\0\0\x08\0", 10) + "\x8c\x9e\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "in.csv: line 1: not a text file (NUL byte)");
  EXPECT_EQ(OpenError(std::string("a,b\0c\n1,2\n", 10)).message(),
            "in.csv: line 1: not a text file (NUL byte)");

  s = OpenError("na\xEFve,b\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "in.csv: line 1: header is not valid UTF-8");
  CsvOptions lax;
  lax.validate_utf8 = false;
  EXPECT_TRUE(OpenError("na\xEFve,b\n", lax).ok());

  s = OpenError("a,\"b\n1,2\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "in.csv: line 1: unterminated quoted field in the header row");

  CsvOptions small;
  small.max_row_bytes = 10;
  EXPECT_EQ(OpenError("aaaaa,bbbbb,ccccc\n", small).message(),
            "in.csv: line 1: row longer than 10 bytes in the header row");
}

TEST(CsvReaderTest, FileOpenErrors) {
  testing::TempDir dir;
  const std::string missing = dir.File("missing.csv");
  auto reader = CsvReader::Open(missing, {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.status().message(), missing + ": cannot open: No such file or directory");

  const std::string empty = dir.File("empty.csv");
  testing::WriteFile(empty, "");
  reader = CsvReader::Open(empty, {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader.status().message(), empty + ": empty file (no header row)");

  const std::string binary = dir.File("binary.bin");
  std::string bytes(3 * kChunk, '\0');
  for (size_t i = 0; i < bytes.size(); i += 7) bytes[i] = static_cast<char>(i * 31);
  testing::WriteFile(binary, bytes);
  reader = CsvReader::Open(binary, {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(), binary + ": line 1: not a text file (NUL byte)");

  reader = CsvReader::Open(dir.path(), {});
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(std::string(reader.status().message()), HasSubstr(dir.path() + ": cannot open"));
}

// Builds a file whose chunk boundaries (multiples of kChunk) each fall on a
// different byte of a tricky row: quoted CRLF and LF, doubled quotes, a closing
// quote, CRLF line ends, a multi-byte character.
TEST(CsvReaderTest, RowsSpanningChunkBoundaries) {
  const std::string tricky_note = "a \"\"b\"\" c\r\nd\ne \xC3\xA9";
  const std::string tricky_tail = ",\"x\"\r\n";
  std::string data = "id,note,flag\r\n";
  std::vector<std::string> expected_ids;
  std::vector<uint64_t> expected_lines;
  uint64_t line = 2;
  size_t filler = 0;
  auto add_filler = [&](size_t pad) {
    std::string id = "f";
    id += std::to_string(filler++);
    data += id;
    data += ',';
    data.append(pad, 'p');
    data += ",y\r\n";
    expected_ids.push_back(id);
    expected_lines.push_back(line++);
  };
  const size_t tricky_size = std::string("t000,\"").size() + tricky_note.size() + 1 +
                             tricky_tail.size();
  for (size_t shift = 0; shift < tricky_size; ++shift) {
    const size_t boundary = (shift + 1) * kChunk;
    // Filler rows of about 100 bytes, then one sized to put byte `shift` of
    // the tricky row on the boundary.
    while (data.size() + 300 < boundary - shift) add_filler(90);
    const size_t gap = boundary - shift - data.size();
    add_filler(gap - (std::to_string(filler).size() + 1 + 1 + 4));
    ASSERT_EQ(data.size(), boundary - shift);
    char id[24];
    std::snprintf(id, sizeof(id), "t%03zu", shift);
    data += std::string(id) + ",\"" + tricky_note + "\"" + tricky_tail;
    expected_ids.push_back(id);
    expected_lines.push_back(line);
    line += 3;
  }
  add_filler(10);

  testing::TempDir dir;
  const std::string path = dir.File("big.csv");
  testing::WriteFile(path, data);
  auto reader = CsvReader::Open(path, {});
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<Row> rows = ReadAll(reader->get());
  ASSERT_EQ(rows.size(), expected_ids.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].error, "") << "row " << i;
    ASSERT_EQ(rows[i].fields.size(), 3u) << "row " << i;
    EXPECT_EQ(rows[i].fields[0], expected_ids[i]);
    EXPECT_EQ(rows[i].line, expected_lines[i]) << expected_ids[i];
    if (rows[i].fields[0][0] == 't') {
      EXPECT_EQ(rows[i].fields[1], "a \"b\" c\r\nd\ne \xC3\xA9") << expected_ids[i];
      EXPECT_EQ(rows[i].fields[2], "x") << expected_ids[i];
      EXPECT_EQ(rows[i].raw, rows[i].fields[0] + ",\"" + tricky_note + "\",\"x\"");
    } else {
      EXPECT_EQ(rows[i].fields[2], "y") << expected_ids[i];
    }
  }
  EXPECT_EQ((*reader)->bytes_read(), data.size());
}

// Random fields, written the way a careful CSV writer would, must read back
// unchanged from memory and from a multi-chunk file.
TEST(CsvReaderTest, RandomRoundTrip) {
  std::mt19937 rng(20240611);
  const std::vector<std::string> pieces = {"a",  "b",  "Zoë", " ",  ",", "\"",
                                           "\n", "\r\n", "x y", "\t", "\xE2\x82\xAC"};
  auto encode = [](const std::string& f) {
    const bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                       (!f.empty() && (f.front() == ' ' || f.front() == '\t' ||
                                       f.back() == ' ' || f.back() == '\t'));
    if (!quote) return f;
    std::string out = "\"";
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  };
  constexpr int kCols = 4;
  std::string data = "c1,c2,c3,c4\n";
  std::vector<std::vector<std::string>> expected;
  while (data.size() < 3 * kChunk) {
    std::vector<std::string> fields;
    for (int c = 0; c < kCols; ++c) {
      std::string f;
      const int n = static_cast<int>(rng() % 8);
      for (int k = 0; k < n; ++k) f += pieces[rng() % pieces.size()];
      if (rng() % 4 == 0) f = "plain" + std::to_string(rng() % 1000);
      if (c > 0) data += ',';
      data += encode(f);
      fields.push_back(f);
    }
    data += rng() % 2 == 0 ? "\n" : "\r\n";
    expected.push_back(std::move(fields));
  }
  std::vector<Row> rows = ParseBoth(data);
  ASSERT_EQ(rows.size(), expected.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].error, "") << "row " << i;
    ASSERT_EQ(rows[i].fields, expected[i]) << "row " << i;
  }
}

// On arbitrary bytes (stray quotes, bare CRs, NULs, bad UTF-8), reading a
// multi-chunk file must give exactly what parsing the whole input at once gives.
TEST(CsvReaderTest, StreamingMatchesInMemoryOnGarbage) {
  std::mt19937 rng(7);
  const std::vector<std::string> tokens = {"abc", "de", ",", ",", " ", "\n", "\n", "\r\n",
                                           "\r", "\"", "\"\"", std::string(1, '\0'), "\xFF",
                                           "\xC3\xA9", "\t", "xyzzy"};
  std::string data = "a,b,c\n";
  while (data.size() < 3 * kChunk) {
    // Mostly clean rows, with a garbage token now and then.
    data += "1,2,3\n";
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) data += tokens[rng() % tokens.size()];
  }
  std::vector<Row> rows = ParseBoth(data);
  size_t errors = 0;
  for (const Row& r : rows) errors += r.error.empty() ? 0 : 1;
  EXPECT_GT(rows.size(), 100000u);
  EXPECT_GT(errors, 1000u);
}

TEST(CsvReaderTest, IsValidUtf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9"));                // U+00E9
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC 5"));             // U+20AC
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));           // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));           // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));               // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));               // U+E000
  EXPECT_FALSE(IsValidUtf8(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsValidUtf8(std::string_view("12345678901234\0", 15)));
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));                  // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));                  // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));              // overlong
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));              // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));              // surrogate U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));          // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\x80"));                      // lone continuation
  EXPECT_FALSE(IsValidUtf8("abc\xC3"));                   // truncated
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));                  // truncated
  EXPECT_FALSE(IsValidUtf8("\xE2\x28\xA1"));              // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xC3\xA9\xA9"));              // extra continuation
  // A bad byte at every position of a long ASCII run (word-at-a-time path).
  for (size_t i = 0; i < 24; ++i) {
    std::string s(24, 'x');
    s[i] = '\xFF';
    EXPECT_FALSE(IsValidUtf8(s)) << i;
    s[i] = '\0';
    EXPECT_FALSE(IsValidUtf8(s)) << i;
    s[i] = '\x7F';
    EXPECT_TRUE(IsValidUtf8(s)) << i;
  }
}

TEST(CsvReaderTest, ProgressCounters) {
  const std::string data = "a,b\n1,2\n3,4\n";
  auto reader = FromString(data);
  EXPECT_EQ(reader->total_bytes(), data.size());
  EXPECT_EQ(reader->bytes_read(), 4u);  // the header
  CsvRow row;
  ASSERT_TRUE(reader->Next(&row));
  EXPECT_EQ(reader->bytes_read(), 8u);
  ASSERT_TRUE(reader->Next(&row));
  ASSERT_FALSE(reader->Next(&row));
  EXPECT_EQ(reader->bytes_read(), data.size());
}

TEST(CsvReaderTest, FebrlDataset4a) {
  const std::string shared = testing::SharedDataDir();
  if (shared.empty()) GTEST_SKIP() << "shared data directory not found";
  const std::string path = shared + "/benchmarks/febrl/dataset4a.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";
  auto reader = CsvReader::Open(path, {});
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->delimiter(), ',');
  ASSERT_EQ((*reader)->header().size(), 11u);
  EXPECT_EQ((*reader)->header()[0], "rec_id");
  EXPECT_EQ((*reader)->header()[10], "soc_sec_id");
  std::vector<Row> rows = ReadAll(reader->get());
  ASSERT_EQ(rows.size(), 5000u);
  for (const Row& r : rows) {
    ASSERT_EQ(r.error, "") << "line " << r.line;
    ASSERT_EQ(r.fields.size(), 11u) << "line " << r.line;
  }
  EXPECT_EQ(rows[0].fields[0], "rec-1070-org");
  EXPECT_EQ(rows[0].fields[1], "michaela");
  EXPECT_EQ(rows[0].line, 2u);
}

}  // namespace
}  // namespace probity
