// The store's on-disk format: see store_format.h.
#include "storage/store_format.h"

#include <xxhash.h>

#include <algorithm>

namespace probity::storage {

// ---- Fixed-width and varint encodings ----

void PutBE16(std::string* out, uint16_t v) {
  const char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
  out->append(b, 2);
}

void PutBE64(std::string* out, uint64_t v) {
  char b[8];
  EncodeBE64To(b, v);
  out->append(b, 8);
}


uint16_t GetBE16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}

uint64_t GetBE64(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | u[i];
  return v;
}


bool DecodeInt64LE(std::string_view s, int64_t* v) {
  if (s.size() != 8) return false;
  uint64_t u = 0;
  for (int i = 7; i >= 0; --i) u = (u << 8) | static_cast<unsigned char>(s[static_cast<size_t>(i)]);
  *v = static_cast<int64_t>(u);
  return true;
}

void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  out->append(buf, static_cast<size_t>(EncodeVarintTo(buf, v) - buf));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

// ---- Keys ----

void AppendRecordKey(std::string* out, uint16_t source, std::string_view id) {
  PutBE16(out, source);
  out->append(id);
}

std::string RecordKey(uint16_t source, std::string_view id) {
  std::string key;
  key.reserve(2 + id.size());
  AppendRecordKey(&key, source, id);
  return key;
}

void AppendBlockPrefix(std::string* out, const BlockKey& key) {
  out->push_back(static_cast<char>(key.rule));
  PutBE64(out, key.hash);
}

void AppendTfKey(std::string* out, uint8_t field, std::string_view value) {
  out->push_back(static_cast<char>(field));
  out->append(value);
}

// The smallest string greater than every string starting with `prefix`; empty
// when there is none (all bytes 0xff).
std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last != 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

// ---- Record values ----

// Appends a record value's header to `out`; with `term_offsets`, appends
// where each term's value starts in `out`.
void EncodeRecordHeader(const std::vector<BlockKey>& block_keys, const std::vector<TfTerm>& terms,
                        std::string* out, std::vector<size_t>* term_offsets) {
  PutVarint(out, block_keys.size());
  // The keys in one go: a record has a dozen or more.
  size_t at = out->size();
  out->resize(at + block_keys.size() * kBlockPrefixLen);
  for (const BlockKey& key : block_keys) {
    char* p = out->data() + at;
    p[0] = static_cast<char>(key.rule);
    EncodeBE64To(p + 1, key.hash);
    at += kBlockPrefixLen;
  }
  PutVarint(out, terms.size());
  for (const TfTerm& term : terms) {
    out->push_back(static_cast<char>(term.field));
    PutVarint(out, term.value.size());
    if (term_offsets != nullptr) term_offsets->push_back(out->size());
    out->append(term.value);
  }
}

// See store_format.h.
bool DecodeRecordValue(std::string_view in, std::vector<BlockKey>* block_keys,
                       std::vector<TfTerm>* terms, std::string_view* payload) {
  uint64_t n = 0;
  if (!GetVarint(&in, &n) || n > in.size() / kBlockPrefixLen) return false;
  block_keys->resize(n);
  for (BlockKey& key : *block_keys) {
    key.rule = static_cast<uint8_t>(in[0]);
    key.hash = GetBE64(in.data() + 1);
    in.remove_prefix(kBlockPrefixLen);
  }
  if (!GetVarint(&in, &n) || n > in.size() / 2) return false;
  if (terms != nullptr) terms->resize(n);
  for (uint64_t t = 0; t < n; ++t) {
    if (in.empty()) return false;
    const auto field = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    uint64_t len = 0;
    if (!GetVarint(&in, &len) || len > in.size()) return false;
    if (terms != nullptr) {
      (*terms)[t].field = field;
      (*terms)[t].value.assign(in.data(), len);
    }
    in.remove_prefix(len);
  }
  *payload = in;
  return true;
}

// Advances `in` past a record value's header to its payload, allocating
// nothing. False on a malformed value.
bool SkipRecordHeader(std::string_view* in) {
  uint64_t n = 0;
  if (!GetVarint(in, &n) || n > in->size() / kBlockPrefixLen) return false;
  in->remove_prefix(n * kBlockPrefixLen);
  if (!GetVarint(in, &n) || n > in->size() / 2) return false;
  for (uint64_t t = 0; t < n; ++t) {
    if (in->empty()) return false;
    in->remove_prefix(1);  // field
    uint64_t len = 0;
    if (!GetVarint(in, &len) || len > in->size()) return false;
    in->remove_prefix(len);
  }
  return true;
}

// ---- Errors ----

absl::Status FromRocks(const rdb::Status& s, const std::string& dir) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = dir + ": " + s.ToString();
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  switch (s.code()) {
    case rdb::Status::kNotFound:
      return absl::NotFoundError(msg);
    case rdb::Status::kCorruption:
      return absl::DataLossError(msg);
    case rdb::Status::kNotSupported:  // e.g. a write to a read-only store
      return absl::FailedPreconditionError(msg);
    case rdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(msg);
    case rdb::Status::kBusy:
    case rdb::Status::kTimedOut:
    case rdb::Status::kTryAgain:
      return absl::UnavailableError(msg);
    default:
      return absl::InternalError(msg);
  }
}

uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

}  // namespace probity::storage
