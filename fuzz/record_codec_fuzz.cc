// Fuzzes the record encoding.
//
// 1. The input as an encoded record: decoding must fail cleanly or give a
//    record that encodes and decodes back to itself.
// 2. The input as field values (parts separated by 0x1F; a part's first byte
//    picks the field) normalised into a Record the way ingest does: it must
//    survive an encode/decode round trip unchanged.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/identifiers.h"
#include "engine/postcode.h"
#include "engine/record.h"
#include "engine/record_builder.h"
#include "fuzz/harnesses.h"

namespace probity::fuzz {
namespace record_codec_fuzz {

// Encodes `record`, decodes it, and requires the same record and bytes back.
void CheckRoundTrip(const Record& record) {
  const std::string encoded = EncodeRecord(record);
  std::string appended = "prefix";
  EncodeRecordTo(record, &appended);
  PROBITY_FUZZ_CHECK(appended == "prefix" + encoded);
  Record decoded;
  decoded.source = record.source;
  decoded.id = record.id;
  const absl::Status status = DecodeRecord(encoded, &decoded);
  PROBITY_FUZZ_CHECK(status.ok());
  PROBITY_FUZZ_CHECK(decoded == record);
  PROBITY_FUZZ_CHECK(EncodeRecord(decoded) == encoded);
  // Cut short inside its last field, it is rejected (never misread).
  if (encoded.size() > 1) {
    Record partial;
    PROBITY_FUZZ_CHECK(
        !DecodeRecord(std::string_view(encoded).substr(0, encoded.size() - 1), &partial).ok());
  }
}

DayNumber Day(std::string_view v) {
  DayNumber day = 0;
  std::memcpy(&day, v.data(), std::min(v.size(), sizeof(day)));
  return day;
}

Record BuildRecord(std::string_view input) {
  Record r;
  r.source = "fuzz";
  r.id = "1";
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\x1f', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view part = input.substr(start, end - start);
    start = end + 1;
    if (part.empty()) continue;
    const std::string_view v = part.substr(1);
    switch (static_cast<uint8_t>(part[0]) % 14) {
      case 0: r.forenames.push_back(MakeNameValue(v)); break;
      case 1: r.middle_names.push_back(MakeNameValue(v)); break;
      case 2: r.surnames.push_back(MakeNameValue(v)); break;
      case 3: r.full_names.push_back(MakeNameValue(v)); break;
      case 4: r.dobs.push_back(Day(v)); break;
      case 5: r.sex = NormaliseSex(v); break;
      case 6: r.postcodes.push_back(NormalisePostcode(v)); break;
      case 7: r.address = std::string(v); break;
      case 8: r.pncs.push_back(NormalisePnc(v, 2026)); break;
      case 9: r.cros.push_back(NormaliseCro(v)); break;
      case 10: r.ninos.push_back(NormaliseNino(v)); break;
      case 11: {
        CustomValue c;
        c.field = v.empty() ? 0 : static_cast<uint8_t>(v[0]);
        c.text = std::string(v.empty() ? v : v.substr(1));
        c.day = Day(c.text);
        r.custom.push_back(std::move(c));
        break;
      }
      case 12: r.sex = v.empty() ? 0 : v[0]; break;  // any byte, as stored
      case 13: r.forenames.push_back(NameValue{std::string(v), std::string(v), ""}); break;
    }
  }
  return r;
}

}  // namespace record_codec_fuzz

int RecordCodecOneInput(const uint8_t* data, size_t size) {
  using namespace record_codec_fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  Record record;
  record.source = "source";
  record.id = "id";
  const absl::Status status = DecodeRecord(input, &record);
  if (status.ok()) {
    // Source and id are not encoded: decoding keeps the caller's.
    PROBITY_FUZZ_CHECK(record.source == "source" && record.id == "id");
    CheckRoundTrip(record);
  } else {
    PROBITY_FUZZ_CHECK(status.code() == absl::StatusCode::kDataLoss);
  }

  CheckRoundTrip(BuildRecord(input));
  return 0;
}

}  // namespace probity::fuzz

#ifdef PROBITY_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return probity::fuzz::RecordCodecOneInput(data, size);
}
#endif
