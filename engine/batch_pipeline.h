// BatchPipeline: batches filled by one thread, transformed by a fixed set of
// worker threads, and consumed by one more thread in the order they were
// filled. Batches and results are recycled, never freed until the pipeline
// is: a long load touches the same few buffers (already paged in, already
// grown to size) from its first batch to its last, and each worker keeps its
// thread (and its thread-local caches) for the whole load.
//
// Contract:
//   - Acquire() hands out an empty-or-stale input batch for the caller to
//     refill (the caller clears it), waiting while all `batches` are in use;
//     Submit() queues it. Only one thread may call Acquire/Submit.
//   - transform(in, out) runs on a worker; `out` is a recycled result the
//     transform must overwrite. It must not fail.
//   - consume(out) runs on the consumer thread, once per submitted batch, in
//     submission order. After its first error nothing more is consumed:
//     Acquire returns null, Submit returns false and Close returns the error.
//   - Close() waits until every submitted batch is consumed (or dropped after
//     an error) and joins the threads. The destructor closes.
//   - When threads cannot be started, Submit transforms and consumes inline.
#ifndef PROBITY_ENGINE_BATCH_PIPELINE_H_
#define PROBITY_ENGINE_BATCH_PIPELINE_H_

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace probity {

template <typename In, typename Out>
class BatchPipeline {
 public:
  using Transform = std::function<void(const In&, Out*)>;
  using Consume = std::function<absl::Status(const Out&)>;

  // `workers` transforming threads (at least 1) and `batches` batches in
  // flight at most (at least workers + 1).
  BatchPipeline(size_t workers, size_t batches, Transform transform, Consume consume)
      : transform_(std::move(transform)), consume_(std::move(consume)) {
    workers = std::max<size_t>(workers, 1);
    batches = std::max(batches, workers + 1);
    slots_.resize(batches);
    for (size_t i = 0; i < batches; ++i) {
      slots_[i].in = std::make_unique<In>();
      slots_[i].out = std::make_unique<Out>();
      free_.push_back(i);
    }
    try {
      consumer_ = std::thread([this] { ConsumeLoop(); });
      for (size_t w = 0; w < workers; ++w) workers_.emplace_back([this] { WorkLoop(); });
    } catch (const std::system_error&) {
      // Fewer threads than asked: with a consumer and one worker the pipeline
      // still flows; with none, Submit works inline.
      if (!consumer_.joinable() || workers_.empty()) StopThreads();
    }
  }
  ~BatchPipeline() { Close().IgnoreError(); }
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  // A batch to fill, or null once consume has failed.
  In* Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    freed_.wait(lock, [this] { return !free_.empty() || failed_; });
    if (failed_) return nullptr;
    const size_t slot = free_.front();
    free_.pop_front();
    filling_.push_back(slot);
    return slots_[slot].in.get();
  }

  // Queues the batch Acquire returned last. False once consume has failed.
  bool Submit(In* batch) {
    std::unique_lock<std::mutex> lock(mu_);
    size_t slot = slots_.size();
    for (auto it = filling_.begin(); it != filling_.end(); ++it) {
      if (slots_[*it].in.get() == batch) {
        slot = *it;
        filling_.erase(it);
        break;
      }
    }
    if (slot == slots_.size()) return false;  // not ours: a caller bug
    if (failed_) {
      free_.push_back(slot);
      return false;
    }
    if (!consumer_.joinable()) {  // no threads: work inline
      lock.unlock();
      transform_(*slots_[slot].in, slots_[slot].out.get());
      absl::Status st = consume_(*slots_[slot].out);
      lock.lock();
      free_.push_back(slot);
      if (!st.ok()) {
        status_ = std::move(st);
        failed_ = true;
      }
      return !failed_;
    }
    slots_[slot].done = false;
    queued_.push_back(slot);
    in_order_.push_back(slot);
    work_.notify_one();
    return true;
  }

  // Waits for every submitted batch; the first error of consume.
  absl::Status Close() {
    StopThreads();
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  struct Slot {
    std::unique_ptr<In> in;
    std::unique_ptr<Out> out;
    bool done = false;
  };

  void StopThreads() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
    }
    work_.notify_all();
    done_.notify_all();
    for (std::thread& w : workers_) {
      if (w.joinable()) w.join();
    }
    workers_.clear();
    if (consumer_.joinable()) consumer_.join();
  }

  void WorkLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_.wait(lock, [this] { return !queued_.empty() || closing_; });
      if (queued_.empty()) return;  // closing, and nothing left to do
      const size_t slot = queued_.front();
      queued_.pop_front();
      lock.unlock();
      if (!skip_) transform_(*slots_[slot].in, slots_[slot].out.get());
      lock.lock();
      slots_[slot].done = true;
      done_.notify_all();
    }
  }

  void ConsumeLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      done_.wait(lock, [this] {
        return (!in_order_.empty() && slots_[in_order_.front()].done) ||
               (closing_ && in_order_.empty());
      });
      if (in_order_.empty()) return;  // closing, all consumed
      const size_t slot = in_order_.front();
      in_order_.pop_front();
      if (!failed_) {
        lock.unlock();
        absl::Status st = consume_(*slots_[slot].out);
        lock.lock();
        if (!st.ok()) {
          status_ = std::move(st);
          failed_ = true;
          skip_ = true;  // batches still queued are dropped, not transformed
        }
      }
      free_.push_back(slot);
      freed_.notify_all();
    }
  }

  const Transform transform_;
  const Consume consume_;
  std::vector<Slot> slots_;
  std::mutex mu_;
  std::condition_variable work_;   // a batch was queued, or closing
  std::condition_variable done_;   // a batch was transformed, or closing
  std::condition_variable freed_;  // a slot came free, or consume failed
  std::deque<size_t> free_;        // slots to hand out
  std::deque<size_t> filling_;     // handed out, not yet submitted
  std::deque<size_t> queued_;      // submitted, waiting for a worker
  std::deque<size_t> in_order_;    // submitted, not yet consumed, in order
  bool closing_ = false;
  bool failed_ = false;
  std::atomic<bool> skip_{false};
  absl::Status status_;
  std::vector<std::thread> workers_;
  std::thread consumer_;
};

}  // namespace probity

#endif  // PROBITY_ENGINE_BATCH_PIPELINE_H_
