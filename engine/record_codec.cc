// Record encoding: a version byte, then one section per non-empty field:
// tag byte, varint value count, values. Strings are varint length + bytes;
// days are zigzag varints.
#include <cstring>

#include "absl/status/status.h"
#include "engine/record.h"
#include "engine/settings.h"

namespace probity {
namespace {

constexpr uint8_t kEncodingVersion = 1;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void PutTag(FieldKind kind, size_t count, std::string* out) {
  out->push_back(static_cast<char>(kind));
  PutVarint(count, out);
}

void PutNames(FieldKind kind, const std::vector<NameValue>& names, std::string* out) {
  if (names.empty()) return;
  PutTag(kind, names.size(), out);
  for (const NameValue& name : names) {
    PutString(name.text, out);
    PutString(name.metaphone, out);
    PutString(name.metaphone_alt, out);
  }
}

void PutIdentifiers(FieldKind kind, const std::vector<Identifier>& ids, std::string* out) {
  if (ids.empty()) return;
  PutTag(kind, ids.size(), out);
  for (const Identifier& id : ids) {
    PutString(id.canonical, out);
    out->push_back(static_cast<char>(id.status));
  }
}

// Bounds-checked reader over the encoded bytes.
class Reader {
 public:
  explicit Reader(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}
  bool done() const { return p_ == end_; }
  bool Byte(uint8_t* v) {
    if (p_ == end_) return false;
    *v = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool Varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63 && p_ != end_; shift += 7) {
      const uint8_t byte = static_cast<uint8_t>(*p_++);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  bool String(std::string* s) {
    uint64_t n = 0;
    if (!Varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    s->assign(p_, n);
    p_ += n;
    return true;
  }
  // A count of values, each at least one byte: more than the bytes left is corrupt.
  bool Count(uint64_t* n) { return Varint(n) && *n <= static_cast<uint64_t>(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
};

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(std::string("corrupt record encoding: ") + std::string(what));
}

bool ReadNames(Reader& in, uint64_t count, std::vector<NameValue>* names) {
  names->resize(count);
  for (NameValue& name : *names) {
    if (!in.String(&name.text) || !in.String(&name.metaphone) || !in.String(&name.metaphone_alt)) {
      return false;
    }
  }
  return true;
}

bool ReadIdentifiers(Reader& in, uint64_t count, std::vector<Identifier>* ids) {
  ids->resize(count);
  for (Identifier& id : *ids) {
    uint8_t status = 0;
    if (!in.String(&id.canonical) || !in.Byte(&status) ||
        status > static_cast<uint8_t>(IdStatus::kMalformed)) {
      return false;
    }
    id.status = static_cast<IdStatus>(status);
  }
  return true;
}

}  // namespace

void EncodeRecordTo(const Record& r, std::string* out) {
  out->push_back(static_cast<char>(kEncodingVersion));
  PutNames(FieldKind::kForename, r.forenames, out);
  PutNames(FieldKind::kMiddleNames, r.middle_names, out);
  PutNames(FieldKind::kSurname, r.surnames, out);
  PutNames(FieldKind::kFullName, r.full_names, out);
  if (!r.dobs.empty()) {
    PutTag(FieldKind::kDob, r.dobs.size(), out);
    for (DayNumber day : r.dobs) PutVarint(ZigZag(day), out);
  }
  if (r.sex != 0) {
    PutTag(FieldKind::kSex, 1, out);
    out->push_back(r.sex);
  }
  if (!r.postcodes.empty()) {
    PutTag(FieldKind::kPostcode, r.postcodes.size(), out);
    for (const Postcode& pc : r.postcodes) {
      PutString(pc.canonical, out);
      out->push_back(pc.valid ? 1 : 0);
    }
  }
  if (!r.address.empty()) {
    PutTag(FieldKind::kAddress, 1, out);
    PutString(r.address, out);
  }
  PutIdentifiers(FieldKind::kPnc, r.pncs, out);
  PutIdentifiers(FieldKind::kCro, r.cros, out);
  PutIdentifiers(FieldKind::kNino, r.ninos, out);
  if (!r.custom.empty()) {
    PutTag(FieldKind::kCustom, r.custom.size(), out);
    for (const CustomValue& v : r.custom) {
      out->push_back(static_cast<char>(v.field));
      PutString(v.text, out);
      PutVarint(ZigZag(v.day), out);
    }
  }
}

std::string EncodeRecord(const Record& record) {
  std::string out;
  EncodeRecordTo(record, &out);
  return out;
}

absl::Status DecodeRecord(std::string_view data, Record* r) {
  Reader in(data);
  uint8_t version = 0;
  if (!in.Byte(&version)) return Corrupt("empty");
  if (version != kEncodingVersion) return Corrupt("unknown encoding version");
  Record decoded;
  decoded.source = std::move(r->source);
  decoded.id = std::move(r->id);
  uint8_t last_tag = 0;
  while (!in.done()) {
    uint8_t tag = 0;
    uint64_t count = 0;
    if (!in.Byte(&tag) || !in.Count(&count) || count == 0) return Corrupt("bad field header");
    if (tag <= last_tag) return Corrupt("fields out of order");
    last_tag = tag;
    bool ok = true;
    switch (static_cast<FieldKind>(tag)) {
      case FieldKind::kForename: ok = ReadNames(in, count, &decoded.forenames); break;
      case FieldKind::kMiddleNames: ok = ReadNames(in, count, &decoded.middle_names); break;
      case FieldKind::kSurname: ok = ReadNames(in, count, &decoded.surnames); break;
      case FieldKind::kFullName: ok = ReadNames(in, count, &decoded.full_names); break;
      case FieldKind::kDob:
        decoded.dobs.resize(count);
        for (DayNumber& day : decoded.dobs) {
          uint64_t v = 0;
          ok = ok && in.Varint(&v);
          day = static_cast<DayNumber>(UnZigZag(v));
        }
        break;
      case FieldKind::kSex: {
        uint8_t sex = 0;
        ok = count == 1 && in.Byte(&sex) && sex != 0;
        decoded.sex = static_cast<char>(sex);
        break;
      }
      case FieldKind::kPostcode:
        decoded.postcodes.resize(count);
        for (Postcode& pc : decoded.postcodes) {
          uint8_t valid = 0;
          ok = ok && in.String(&pc.canonical) && in.Byte(&valid) && valid <= 1;
          pc.valid = valid == 1;
        }
        break;
      case FieldKind::kAddress: ok = count == 1 && in.String(&decoded.address); break;
      case FieldKind::kPnc: ok = ReadIdentifiers(in, count, &decoded.pncs); break;
      case FieldKind::kCro: ok = ReadIdentifiers(in, count, &decoded.cros); break;
      case FieldKind::kNino: ok = ReadIdentifiers(in, count, &decoded.ninos); break;
      case FieldKind::kCustom:
        decoded.custom.resize(count);
        for (CustomValue& v : decoded.custom) {
          uint64_t day = 0;
          ok = ok && in.Byte(&v.field) && in.String(&v.text) && in.Varint(&day);
          v.day = static_cast<DayNumber>(UnZigZag(day));
        }
        break;
      default: return Corrupt("unknown field tag");
    }
    if (!ok) return Corrupt("truncated field");
  }
  *r = std::move(decoded);
  return absl::OkStatus();
}

}  // namespace probity
