// libFuzzer harnesses for probity's parsers and normalisers, one per target.
//
// Each harness body is an ordinary function so that all of them can be linked
// into one program: the fuzz builds (fuzz/CMakeLists.txt, clang + libFuzzer)
// compile each fuzz/<name>_fuzz.cc with PROBITY_FUZZ_MAIN defined, which adds
// the LLVMFuzzerTestOneInput entry point calling it; tests/fuzz_replay_test.cc
// (the normal g++ build) replays the seed corpora and every regression input
// through the same functions.
//
// A harness returns 0 and must not crash, leak or hit undefined behaviour on
// any input. Violated invariants abort via PROBITY_FUZZ_CHECK, which libFuzzer
// reports as a crash and saves the input.
#ifndef PROBITY_FUZZ_HARNESSES_H_
#define PROBITY_FUZZ_HARNESSES_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace probity::fuzz {

// engine/csv_reader.h; byte 0 picks the delimiter and options.
int CsvReaderOneInput(const uint8_t* data, size_t size);
// engine/settings.h: Settings::Parse.
int SettingsOneInput(const uint8_t* data, size_t size);
// engine/name_normaliser.h with Double Metaphone and nicknames, as MakeNameValue uses them.
int NameNormaliserOneInput(const uint8_t* data, size_t size);
// engine/date.h: ParseDate in every format and auto.
int DateOneInput(const uint8_t* data, size_t size);
// engine/postcode.h.
int PostcodeOneInput(const uint8_t* data, size_t size);
// engine/identifiers.h: PNC, CRO, NINO, sex.
int IdentifiersOneInput(const uint8_t* data, size_t size);
// engine/record.h: DecodeRecord of arbitrary bytes, and encode/decode round trips.
int RecordCodecOneInput(const uint8_t* data, size_t size);
// storage/block_postings.h: the block index's merge operator on arbitrary pages.
int BlockPostingsOneInput(const uint8_t* data, size_t size);

// The harnesses by name (the name of fuzz/<name>_fuzz.cc and fuzz/corpus/<name>/).
struct Harness {
  std::string_view name;
  int (*one_input)(const uint8_t* data, size_t size);
};
inline constexpr Harness kHarnesses[] = {
    {"csv_reader", CsvReaderOneInput}, {"settings", SettingsOneInput},
    {"name_normaliser", NameNormaliserOneInput}, {"date", DateOneInput},
    {"postcode", PostcodeOneInput},    {"identifiers", IdentifiersOneInput},
    {"record_codec", RecordCodecOneInput}, {"block_postings", BlockPostingsOneInput},
};

[[noreturn]] inline void CheckFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", file, line, condition);
  std::abort();
}

}  // namespace probity::fuzz

// Aborts (a crash to libFuzzer) when an invariant does not hold. Never compiled out.
#define PROBITY_FUZZ_CHECK(condition)                                         \
  do {                                                                        \
    if (!(condition)) ::probity::fuzz::CheckFailed(__FILE__, __LINE__, #condition); \
  } while (false)

#endif  // PROBITY_FUZZ_HARNESSES_H_
