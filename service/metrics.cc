#include "service/metrics.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace slotwise::service {
namespace {

// Misuse of the registry is a bug in the calling code (see metrics.h).
[[noreturn]] void misuse(const std::string& what) {
  (void)std::fprintf(stderr, "slotwise::service::MetricsRegistry misuse: %s\n", what.c_str());
  std::abort();
}

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && i > 0))) return false;
  }
  return true;
}

// Shortest text that reads back as the same double; Prometheus's spellings
// for the non-finite values.
void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  std::array<char, 32> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), res.ptr);
}

// Label values escape backslash, double quote and newline; HELP text escapes
// backslash and newline (exposition format 0.0.4).
void append_escaped(std::string& out, std::string_view s, bool escape_quote) {
  for (const char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

std::vector<std::string> key_of(std::initializer_list<std::string_view> values) {
  std::vector<std::string> key;
  key.reserve(values.size());
  for (const std::string_view v : values) key.emplace_back(v);
  return key;
}

const char* type_name(MetricFamily::Type type) {
  switch (type) {
    case MetricFamily::Type::kCounter:
      return "counter";
    case MetricFamily::Type::kGauge:
      return "gauge";
    case MetricFamily::Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::vector<double> default_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// --- Histogram -----------------------------------------------------------

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void Histogram::observe(double v) {
  if (std::isnan(v)) return;
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  const auto index = static_cast<std::size_t>(it - bounds_.begin());
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

// --- MetricFamily --------------------------------------------------------

MetricFamily::MetricFamily(Type type, std::string name, std::string help,
                           std::vector<std::string> labels)
    : type_(type), name_(std::move(name)), help_(std::move(help)), label_names_(std::move(labels)) {
  if (!valid_name(name_, true)) misuse("invalid metric name '" + name_ + "'");
  for (const std::string& label : label_names_) {
    if (!valid_name(label, false) || label.rfind("__", 0) == 0) {
      misuse("invalid label name '" + label + "' in " + name_);
    }
    if (type_ == Type::kHistogram && label == "le") {
      misuse("histogram " + name_ + " may not use the label name 'le'");
    }
  }
}

void MetricFamily::check_arity(std::size_t values) const {
  if (values != label_names_.size()) {
    misuse(name_ + " has " + std::to_string(label_names_.size()) + " labels, got " +
           std::to_string(values) + " values");
  }
}

void MetricFamily::append_labels(std::string& out, const std::vector<std::string>& values,
                                 std::string_view extra_name, std::string_view extra_value) const {
  if (values.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += label_names_[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void MetricFamily::render(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name(type_);
  out += '\n';
  const std::lock_guard<std::mutex> lock(mu_);
  render_series(out);
}

// --- the three families --------------------------------------------------

Counter& CounterFamily::with(std::initializer_list<std::string_view> values) {
  check_arity(values.size());
  const std::lock_guard<std::mutex> lock(children_mutex());
  auto& slot = children_[key_of(values)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

void CounterFamily::render_series(std::string& out) const {
  for (const auto& [values, counter] : children_) {
    out += name();
    append_labels(out, values);
    out += ' ';
    out += std::to_string(counter->value());
    out += '\n';
  }
}

Gauge& GaugeFamily::with(std::initializer_list<std::string_view> values) {
  check_arity(values.size());
  const std::lock_guard<std::mutex> lock(children_mutex());
  auto& slot = children_[key_of(values)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

void GaugeFamily::render_series(std::string& out) const {
  for (const auto& [values, gauge] : children_) {
    out += name();
    append_labels(out, values);
    out += ' ';
    out += std::to_string(gauge->value());
    out += '\n';
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> labels, std::vector<double> bounds)
    : MetricFamily(Type::kHistogram, std::move(name), std::move(help), std::move(labels)),
      bounds_(std::move(bounds)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      misuse("histogram " + this->name() + " buckets must be finite and strictly increasing");
    }
  }
}

Histogram& HistogramFamily::with(std::initializer_list<std::string_view> values) {
  check_arity(values.size());
  const std::lock_guard<std::mutex> lock(children_mutex());
  auto& slot = children_[key_of(values)];
  if (!slot) slot = std::make_unique<Histogram>(bounds_);
  return *slot;
}

void HistogramFamily::render_series(std::string& out) const {
  for (const auto& [values, histogram] : children_) {
    const std::vector<std::uint64_t> counts = histogram->cumulative_counts();
    for (std::size_t i = 0; i < counts.size(); ++i) {
      std::string le;
      if (i < bounds_.size()) {
        append_double(le, bounds_[i]);
      } else {
        le = "+Inf";
      }
      out += name();
      out += "_bucket";
      append_labels(out, values, "le", le);
      out += ' ';
      out += std::to_string(counts[i]);
      out += '\n';
    }
    out += name();
    out += "_sum";
    append_labels(out, values);
    out += ' ';
    append_double(out, histogram->sum());
    out += '\n';
    out += name();
    out += "_count";
    append_labels(out, values);
    out += ' ';
    out += std::to_string(counts.back());
    out += '\n';
  }
}

// --- MetricsRegistry -----------------------------------------------------

MetricFamily* MetricsRegistry::find_locked(const std::string& name, MetricFamily::Type type,
                                           const std::string& help,
                                           const std::vector<std::string>& labels) const {
  for (const auto& family : families_) {
    if (family->name() != name) continue;
    if (family->type() != type || family->help() != help || family->label_names() != labels) {
      misuse("metric " + name + " registered twice with different definitions");
    }
    return family.get();
  }
  return nullptr;
}

CounterFamily& MetricsRegistry::counter_family(std::string name, std::string help,
                                               std::vector<std::string> label_names) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (auto* f = find_locked(name, MetricFamily::Type::kCounter, help, label_names)) {
    return static_cast<CounterFamily&>(*f);
  }
  families_.push_back(
      std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(label_names)));
  return static_cast<CounterFamily&>(*families_.back());
}

GaugeFamily& MetricsRegistry::gauge_family(std::string name, std::string help,
                                           std::vector<std::string> label_names) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (auto* f = find_locked(name, MetricFamily::Type::kGauge, help, label_names)) {
    return static_cast<GaugeFamily&>(*f);
  }
  families_.push_back(
      std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(label_names)));
  return static_cast<GaugeFamily&>(*families_.back());
}

HistogramFamily& MetricsRegistry::histogram_family(std::string name, std::string help,
                                                   std::vector<std::string> label_names,
                                                   std::vector<double> bounds) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (auto* f = find_locked(name, MetricFamily::Type::kHistogram, help, label_names)) {
    auto& existing = static_cast<HistogramFamily&>(*f);
    if (existing.bounds() != bounds) misuse("histogram " + name + " registered with other buckets");
    return existing;
  }
  families_.push_back(std::make_unique<HistogramFamily>(std::move(name), std::move(help),
                                                        std::move(label_names), std::move(bounds)));
  return static_cast<HistogramFamily&>(*families_.back());
}

Counter& MetricsRegistry::counter(std::string name, std::string help) {
  return counter_family(std::move(name), std::move(help), {}).with({});
}

Gauge& MetricsRegistry::gauge(std::string name, std::string help) {
  return gauge_family(std::move(name), std::move(help), {}).with({});
}

Histogram& MetricsRegistry::histogram(std::string name, std::string help,
                                      std::vector<double> bounds) {
  return histogram_family(std::move(name), std::move(help), {}, std::move(bounds)).with({});
}

std::string MetricsRegistry::render() const {
  std::string out;
  const std::lock_guard<std::mutex> lock(mu_);
  for (const auto& family : families_) family->render(out);
  return out;
}

}  // namespace slotwise::service
