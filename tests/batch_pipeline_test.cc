// BatchPipeline: order, recycling and failure, with real threads.
#include "engine/batch_pipeline.h"

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace probity {
namespace {

struct Numbers {
  std::vector<int> values;
};

// Workers finish out of order (later batches are quicker), yet consume sees
// every batch once, in submission order, transformed.
TEST(BatchPipelineTest, ConsumesInSubmissionOrder) {
  std::vector<int> consumed;
  std::set<const Numbers*> inputs_seen;
  {
    BatchPipeline<Numbers, Numbers> pipeline(
        3, 5,
        [](const Numbers& in, Numbers* out) {
          out->values.clear();
          for (int v : in.values) out->values.push_back(v * 2);
          std::this_thread::sleep_for(std::chrono::microseconds(in.values[0] % 7 == 0 ? 2000 : 10));
        },
        [&](const Numbers& out) {
          consumed.insert(consumed.end(), out.values.begin(), out.values.end());
          return absl::OkStatus();
        });
    for (int b = 0; b < 200; ++b) {
      Numbers* batch = pipeline.Acquire();
      ASSERT_NE(batch, nullptr);
      inputs_seen.insert(batch);
      batch->values = {3 * b, 3 * b + 1, 3 * b + 2};
      ASSERT_TRUE(pipeline.Submit(batch));
    }
    ASSERT_TRUE(pipeline.Close().ok());
  }
  ASSERT_EQ(consumed.size(), 600u);
  for (int i = 0; i < 600; ++i) ASSERT_EQ(consumed[static_cast<size_t>(i)], 2 * i) << i;
  // Batches are recycled: never more than the five asked for.
  EXPECT_LE(inputs_seen.size(), 5u);
}

// After consume fails, nothing more is consumed, Acquire hands out nothing
// (the reader stops) and Close reports the error.
TEST(BatchPipelineTest, StopsAtTheFirstConsumeError) {
  int consumed = 0;
  BatchPipeline<Numbers, Numbers> pipeline(
      2, 4, [](const Numbers& in, Numbers* out) { out->values = in.values; },
      [&](const Numbers& out) {
        ++consumed;
        return out.values[0] == 5 ? absl::DataLossError("disk full") : absl::OkStatus();
      });
  bool stopped = false;
  for (int b = 0; b < 1000 && !stopped; ++b) {
    Numbers* batch = pipeline.Acquire();
    if (batch == nullptr) {
      stopped = true;
      break;
    }
    batch->values = {b};
    stopped = !pipeline.Submit(batch);
  }
  EXPECT_TRUE(stopped);
  const absl::Status status = pipeline.Close();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "disk full");
  EXPECT_EQ(consumed, 6);  // batches 0..5; none after the failure
}

// Closing with nothing submitted, or twice, is fine.
TEST(BatchPipelineTest, ClosesWhenIdle) {
  BatchPipeline<Numbers, Numbers> pipeline(
      1, 1, [](const Numbers&, Numbers*) {}, [](const Numbers&) { return absl::OkStatus(); });
  EXPECT_TRUE(pipeline.Close().ok());
  EXPECT_TRUE(pipeline.Close().ok());
}

}  // namespace
}  // namespace probity
