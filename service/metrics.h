// MetricsRegistry: a small Prometheus registry (counters, gauges, histograms
// with labels) rendered in the text exposition format 0.0.4 for GET /metrics.
//
// A family is one metric name with fixed label names ("route", "status");
// each distinct tuple of label values is a child series, created on first use
// and kept for the life of the registry. Label values must therefore come
// from a bounded set: the HTTP server labels by route PATTERN, never by raw
// path, so a scanner cannot grow memory without bound.
//
// Output is deterministic: families in registration order, series sorted by
// label values, so tests can compare the exact text. Histogram `_count` is
// rendered from the same bucket snapshot as `_bucket{le="+Inf"}`, so the two
// always agree; `_sum` may lag a concurrent observation by one.
//
// Thread safety: everything may be used concurrently. Updating a Counter,
// Gauge or Histogram is lock-free (atomics); finding a child takes its
// family's mutex, so hot paths may keep the returned reference, which stays
// valid as long as the registry.
// Errors: misuse is a programming error and aborts with a message: an invalid
// metric or label name, a wrong number of label values, buckets that are not
// strictly increasing and finite, or registering one name twice with a
// different type, help or label names (registering it again identically
// returns the existing family, so two components may share one).
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise::service {

// Latency buckets in seconds, 0.5 ms to 10 s: fine below 25 ms, where the
// SlotWise latency targets are.
[[nodiscard]] std::vector<double> default_latency_buckets();

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  [[nodiscard]] std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

class Histogram {
 public:
  // `bounds` are the upper bounds (le) of the finite buckets, ascending.
  explicit Histogram(std::vector<double> bounds);

  // Counts `v` in the first bucket whose bound is >= v. NaN is ignored.
  void observe(double v);

  [[nodiscard]] const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then the +Inf bucket (= total count).
  [[nodiscard]] std::vector<std::uint64_t> cumulative_counts() const;
  [[nodiscard]] double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<std::uint64_t>> counts_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0.0};
};

// Shared by the three family types: name, help, label names, rendering.
class MetricFamily {
 public:
  enum class Type { kCounter, kGauge, kHistogram };

  MetricFamily(Type type, std::string name, std::string help, std::vector<std::string> labels);
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;
  MetricFamily(MetricFamily&&) = delete;
  MetricFamily& operator=(MetricFamily&&) = delete;
  virtual ~MetricFamily() = default;

  [[nodiscard]] Type type() const { return type_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& help() const { return help_; }
  [[nodiscard]] const std::vector<std::string>& label_names() const { return label_names_; }

  // Appends "# HELP", "# TYPE" and every series of this family to `out`.
  void render(std::string& out) const;

 protected:
  // Aborts unless `values` has one value per label name.
  void check_arity(std::size_t values) const;
  // Appends the series of this family (children sorted by label values).
  virtual void render_series(std::string& out) const = 0;
  // `{a="x",b="y"` + extra + `}` or nothing when there are no labels.
  void append_labels(std::string& out, const std::vector<std::string>& values,
                     std::string_view extra_name = {}, std::string_view extra_value = {}) const;

  // Guards the children of the derived family.
  std::mutex& children_mutex() const { return mu_; }

 private:
  mutable std::mutex mu_;
  Type type_;
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

class CounterFamily final : public MetricFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> labels)
      : MetricFamily(Type::kCounter, std::move(name), std::move(help), std::move(labels)) {}
  // The series for `values` (one per label name, in order), created at 0.
  Counter& with(std::initializer_list<std::string_view> values);

 private:
  void render_series(std::string& out) const override;
  std::map<std::vector<std::string>, std::unique_ptr<Counter>> children_;
};

class GaugeFamily final : public MetricFamily {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> labels)
      : MetricFamily(Type::kGauge, std::move(name), std::move(help), std::move(labels)) {}
  Gauge& with(std::initializer_list<std::string_view> values);

 private:
  void render_series(std::string& out) const override;
  std::map<std::vector<std::string>, std::unique_ptr<Gauge>> children_;
};

class HistogramFamily final : public MetricFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> labels,
                  std::vector<double> bounds);
  Histogram& with(std::initializer_list<std::string_view> values);
  [[nodiscard]] const std::vector<double>& bounds() const { return bounds_; }

 private:
  void render_series(std::string& out) const override;
  std::vector<double> bounds_;
  std::map<std::vector<std::string>, std::unique_ptr<Histogram>> children_;
};

class MetricsRegistry {
 public:
  // The Content-Type of render()'s output.
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;
  MetricsRegistry(MetricsRegistry&&) = delete;
  MetricsRegistry& operator=(MetricsRegistry&&) = delete;
  ~MetricsRegistry() = default;

  CounterFamily& counter_family(std::string name, std::string help,
                                std::vector<std::string> label_names);
  GaugeFamily& gauge_family(std::string name, std::string help,
                            std::vector<std::string> label_names);
  HistogramFamily& histogram_family(std::string name, std::string help,
                                    std::vector<std::string> label_names,
                                    std::vector<double> bounds = default_latency_buckets());

  // Label-less shorthands: the family's only series, rendered from the start.
  Counter& counter(std::string name, std::string help);
  Gauge& gauge(std::string name, std::string help);
  Histogram& histogram(std::string name, std::string help,
                       std::vector<double> bounds = default_latency_buckets());

  // The whole registry in text exposition format 0.0.4.
  [[nodiscard]] std::string render() const;

 private:
  // The existing family `name` if it matches exactly, nullptr if absent;
  // aborts on a mismatch.
  MetricFamily* find_locked(const std::string& name, MetricFamily::Type type,
                            const std::string& help, const std::vector<std::string>& labels) const;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<MetricFamily>> families_;  // registration order
};

}  // namespace slotwise::service
