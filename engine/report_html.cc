#include "engine/report_html.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "engine/fs_model.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace probity {
namespace {

// Colours of the series, used in charts and legends alike.
constexpr const char* kThresholdColour = "#1f5fa8";
constexpr const char* kWeightedColour = "#d9730d";
constexpr const char* kTruthColour = "#111111";
constexpr const char* kPositiveColour = "#2e8b57";
constexpr const char* kNegativeColour = "#c0392b";
constexpr const char* kMatchColour = "#1f5fa8";
constexpr const char* kNonMatchColour = "#b8b8b8";

std::string F(double x, int decimals) { return fmt::format("{:.{}f}", x, decimals); }
std::string Pct(double p, int decimals = 1) { return fmt::format("{:.{}f}%", 100 * p, decimals); }
std::string SignedPp(double p) { return fmt::format("{:+.1f}", 100 * p); }

struct Scale {
  double d0, d1, r0, r1;
  double operator()(double v) const {
    if (d1 == d0) return (r0 + r1) / 2;
    return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
  }
};

// Round tick values covering [lo, hi], about `count` of them.
std::vector<double> Ticks(double lo, double hi, int count) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  const double raw = (hi - lo) / std::max(1, count);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) {
    ticks.push_back(std::abs(v) < 1e-12 ? 0.0 : v);
  }
  return ticks;
}

// Expands [lo, hi] to round values on a grid of `step`.
std::pair<double, double> Nice(double lo, double hi, double step) {
  double a = std::floor(lo / step) * step;
  double b = std::ceil(hi / step) * step;
  if (b <= a) b = a + step;
  return {a, b};
}

// Moves label positions apart so that no two are closer than `gap` (pixels),
// keeping their order; returns the new positions in the input order.
std::vector<double> SpreadLabels(const std::vector<double>& ys, double gap) {
  std::vector<size_t> order(ys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ys[a] < ys[b]; });
  std::vector<double> out = ys;
  for (size_t k = 1; k < order.size(); ++k) {
    out[order[k]] = std::max(out[order[k]], out[order[k - 1]] + gap);
  }
  return out;
}

class Svg {
 public:
  Svg(int width, int height, std::string_view label) {
    out_ = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
        "height=\"{1}\" role=\"img\" aria-label=\"{2}\">",
        width, height, HtmlEscape(label));
  }
  void Line(double x1, double y1, double x2, double y2, std::string_view cls,
            std::string_view colour = "") {
    out_ += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"{}\"{}/>",
                        x1, y1, x2, y2, cls,
                        colour.empty() ? "" : fmt::format(" style=\"stroke:{}\"", colour));
  }
  void Rect(double x, double y, double w, double h, std::string_view fill,
            std::string_view title = "") {
    out_ += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">",
                        x, y, std::max(0.0, w), std::max(0.0, h), fill);
    if (!title.empty()) out_ += "<title>" + HtmlEscape(title) + "</title>";
    out_ += "</rect>";
  }
  void Circle(double cx, double cy, double r, std::string_view fill, std::string_view title = "",
              std::string_view stroke = "") {
    out_ += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\"{}>", cx, cy, r,
                        fill, stroke.empty() ? "" : fmt::format(" stroke=\"{}\" stroke-width=\"2\"", stroke));
    if (!title.empty()) out_ += "<title>" + HtmlEscape(title) + "</title>";
    out_ += "</circle>";
  }
  void Polyline(const std::vector<std::pair<double, double>>& points, std::string_view colour,
                bool dashed = false) {
    if (points.empty()) return;
    std::string p;
    for (const auto& [x, y] : points) p += fmt::format("{:.1f},{:.1f} ", x, y);
    out_ += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>", p,
                        colour, dashed ? " stroke-dasharray=\"6 4\"" : "");
  }
  void Text(double x, double y, std::string_view text, std::string_view anchor = "start",
            std::string_view cls = "", std::string_view colour = "") {
    out_ += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\"{}{}>{}</text>", x, y, anchor,
                        cls.empty() ? "" : fmt::format(" class=\"{}\"", cls),
                        colour.empty() ? "" : fmt::format(" style=\"fill:{}\"", colour),
                        HtmlEscape(text));
  }
  void Raw(std::string_view s) { out_ += s; }
  std::string Done() { return out_ + "</svg>"; }

 private:
  std::string out_;
};

// A legend of coloured swatches, in HTML.
std::string Legend(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out = "<div class=\"legend\">";
  for (const auto& [label, colour] : items) {
    out += fmt::format("<span><i style=\"background:{}\"></i>{}</span>", colour, HtmlEscape(label));
  }
  return out + "</div>";
}

// ------------------------------------------------------------- rate charts

struct Series {
  std::string label;
  std::string colour;
  const OutcomeTable* table;
};

// Dot-and-whisker chart of one measure (completion or reoffending) by group.
std::string RateChart(std::string_view title, bool completion, const std::vector<Series>& series,
                      const OutcomeTable* truth) {
  const auto& groups = series.front().table->groups;
  auto estimate = [&](const OutcomeTable& t, const std::string& group) -> std::optional<Estimate> {
    const GroupOutcome* g = t.Find(group);
    if (g == nullptr || g->n == 0) return std::nullopt;
    return completion ? g->completion : g->reoffending;
  };
  double lo = 1, hi = 0;
  for (const Series& s : series) {
    for (const GroupOutcome& g : s.table->groups) {
      if (auto e = estimate(*s.table, g.name)) {
        lo = std::min(lo, e->lower);
        hi = std::max(hi, e->upper);
      }
    }
  }
  if (truth != nullptr) {
    for (const GroupOutcome& g : truth->groups) {
      if (auto e = estimate(*truth, g.name)) {
        lo = std::min(lo, e->value);
        hi = std::max(hi, e->value);
      }
    }
  }
  if (hi < lo) lo = 0, hi = 1;
  const auto [d0, d1] = Nice(lo - 0.01, hi + 0.01, 0.05);
  const int label_w = 150, plot_w = 320, row_h = 26, top = 34;
  const int width = label_w + plot_w + 24;
  const int height = top + row_h * static_cast<int>(groups.size()) + 30;
  const Scale x{std::max(0.0, d0), std::min(1.0, d1), static_cast<double>(label_w),
                static_cast<double>(label_w + plot_w)};
  Svg svg(width, height, title);
  svg.Text(label_w, 16, title, "start", "title");
  for (double t : Ticks(x.d0, x.d1, 6)) {
    svg.Line(x(t), top - 6, x(t), height - 26, "grid");
    svg.Text(x(t), height - 10, Pct(t, 0), "middle", "tick");
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    const std::string& group = groups[i].name;
    const double cy = top + row_h * (static_cast<double>(i) + 0.5);
    if (group == "inspected") svg.Line(8, cy - row_h / 2.0, width - 8, cy - row_h / 2.0, "sep");
    svg.Text(label_w - 10, cy + 4, GroupLabel(group), "end", "label");
    const double n = static_cast<double>(series.size());
    for (size_t s = 0; s < series.size(); ++s) {
      const std::optional<Estimate> e = estimate(*series[s].table, group);
      if (!e) continue;
      const double y = cy + (static_cast<double>(s) - (n - 1) / 2) * 7;
      svg.Line(x(e->lower), y, x(e->upper), y, "whisker", series[s].colour);
      svg.Circle(x(e->value), y, 4, series[s].colour,
                 fmt::format("{}, {}: {} (95% CI {} to {})", GroupLabel(group), series[s].label,
                             Pct(e->value), Pct(e->lower), Pct(e->upper)));
    }
    if (truth != nullptr) {
      if (const std::optional<Estimate> e = estimate(*truth, group)) {
        const double tx = x(e->value);
        svg.Raw(fmt::format("<path d=\"M{0:.1f} {1:.1f} v18\" stroke=\"{2}\" stroke-width=\"2.5\">"
                            "<title>{3}</title></path>",
                            tx, cy - 9, kTruthColour,
                            HtmlEscape(fmt::format("{}: planted truth {}", GroupLabel(group),
                                                   Pct(e->value, 2)))));
      }
    }
  }
  return svg.Done();
}

// ------------------------------------------------------ linkage sensitivity

std::string SweepChart(const OutcomeAnalysis& a) {
  const OutcomeTable* truth = a.truth ? &*a.truth : nullptr;
  double lo = a.headline.reoffending_gap.lower, hi = a.headline.reoffending_gap.upper;
  for (const OutcomeTable& t : a.sweep) {
    lo = std::min(lo, t.reoffending_gap.lower);
    hi = std::max(hi, t.reoffending_gap.upper);
  }
  lo = std::min(lo, a.weighted.reoffending_gap.lower);
  hi = std::max(hi, a.weighted.reoffending_gap.upper);
  if (truth) lo = std::min(lo, truth->reoffending_gap.value), hi = std::max(hi, truth->reoffending_gap.value);
  const auto [d0, d1] = Nice(100 * lo - 0.5, 100 * hi + 0.5, 1);
  const int left = 48, right = 110, top = 34, bottom = 40, plot_w = 330, plot_h = 240;
  const int width = left + plot_w + right, height = top + plot_h + bottom;
  const Scale x{0, 1, static_cast<double>(left), static_cast<double>(left + plot_w)};
  const Scale y{d0, d1, static_cast<double>(top + plot_h), static_cast<double>(top)};
  Svg svg(width, height, "Proven reoffending gap by linkage threshold");
  svg.Text(left, 16, "Reoffending gap (pp), both sufficient \xE2\x88\x92 both insufficient", "start", "title");
  for (double t : Ticks(d0, d1, 6)) {
    svg.Line(left, y(t), left + plot_w, y(t), t == 0 ? "axis" : "grid");
    svg.Text(left - 6, y(t) + 4, fmt::format("{:+g}", t), "end", "tick");
  }
  for (double t : Ticks(0, 1, 10)) svg.Text(x(t), top + plot_h + 16, fmt::format("{:g}", t), "middle", "tick");
  svg.Text(left + plot_w / 2.0, height - 6, "match probability threshold", "middle", "label");
  // Horizontal reference lines: weighted (b) and the truth, labels kept apart.
  struct Ref {
    double value;
    const char* colour;
    std::string label;
    bool dashed;
  };
  std::vector<Ref> refs;
  refs.push_back({a.weighted.reoffending_gap.value, kWeightedColour,
                  fmt::format("weighted {:+.1f}", 100 * a.weighted.reoffending_gap.value), true});
  if (truth) {
    refs.push_back({truth->reoffending_gap.value, kTruthColour,
                    fmt::format("truth {:+.1f}", 100 * truth->reoffending_gap.value), false});
  }
  std::vector<double> label_y;
  for (const Ref& r : refs) label_y.push_back(y(100 * r.value) + 4);
  label_y = SpreadLabels(label_y, 13);
  for (size_t i = 0; i < refs.size(); ++i) {
    svg.Polyline({{x(0), y(100 * refs[i].value)}, {x(1), y(100 * refs[i].value)}}, refs[i].colour,
                 refs[i].dashed);
    svg.Text(left + plot_w + 6, label_y[i], refs[i].label, "start", "label", refs[i].colour);
  }
  std::vector<std::pair<double, double>> points;
  for (const OutcomeTable& t : a.sweep) {
    const double tx = x(*t.threshold);
    svg.Line(tx, y(100 * t.reoffending_gap.lower), tx, y(100 * t.reoffending_gap.upper), "whisker",
             kThresholdColour);
    points.emplace_back(tx, y(100 * t.reoffending_gap.value));
  }
  svg.Polyline(points, kThresholdColour);
  for (const OutcomeTable& t : a.sweep) {
    svg.Circle(x(*t.threshold), y(100 * t.reoffending_gap.value), 4, kThresholdColour,
               fmt::format("threshold {:.1f}: {:+.2f} pp (95% CI {:+.2f} to {:+.2f})", *t.threshold,
                           100 * t.reoffending_gap.value, 100 * t.reoffending_gap.lower,
                           100 * t.reoffending_gap.upper));
  }
  svg.Circle(x(a.threshold), y(100 * a.headline.reoffending_gap.value), 7, "none",
             fmt::format("chosen threshold {}: {:+.2f} pp", a.threshold, 100 * a.headline.reoffending_gap.value),
             kThresholdColour);
  return svg.Done();
}

std::string SweepRatesChart(const OutcomeAnalysis& a) {
  const OutcomeTable* truth = a.truth ? &*a.truth : nullptr;
  const char* names[] = {"both_sufficient", "mixed", "both_insufficient"};
  const char* colours[] = {"#2e8b57", "#7f6fb0", "#c0392b"};
  double lo = 1, hi = 0;
  for (const OutcomeTable& t : a.sweep) {
    for (const char* n : names) {
      if (const GroupOutcome* g = t.Find(n); g && g->n) {
        lo = std::min(lo, g->reoffending.value), hi = std::max(hi, g->reoffending.value);
      }
    }
  }
  if (truth) {
    for (const char* n : names) {
      if (const GroupOutcome* g = truth->Find(n); g && g->n) {
        lo = std::min(lo, g->reoffending.value), hi = std::max(hi, g->reoffending.value);
      }
    }
  }
  if (hi < lo) lo = 0, hi = 1;
  const auto [d0, d1] = Nice(lo - 0.01, hi + 0.01, 0.02);
  const int left = 48, right = 120, top = 34, bottom = 40, plot_w = 330, plot_h = 240;
  const int width = left + plot_w + right, height = top + plot_h + bottom;
  const Scale x{0, 1, static_cast<double>(left), static_cast<double>(left + plot_w)};
  const Scale y{d0, d1, static_cast<double>(top + plot_h), static_cast<double>(top)};
  Svg svg(width, height, "Proven reoffending rate by linkage threshold");
  svg.Text(left, 16, "Proven reoffending rate by threshold (dashed: truth)", "start", "title");
  for (double t : Ticks(d0, d1, 6)) {
    svg.Line(left, y(t), left + plot_w, y(t), "grid");
    svg.Text(left - 6, y(t) + 4, Pct(t, 0), "end", "tick");
  }
  for (double t : Ticks(0, 1, 10)) svg.Text(x(t), top + plot_h + 16, fmt::format("{:g}", t), "middle", "tick");
  svg.Text(left + plot_w / 2.0, height - 6, "match probability threshold", "middle", "label");
  std::vector<double> label_y(3, 0.0);
  std::vector<bool> has_points(3, false);
  for (int k = 0; k < 3; ++k) {
    std::vector<std::pair<double, double>> points;
    double last = 0;
    for (const OutcomeTable& t : a.sweep) {
      const GroupOutcome* g = t.Find(names[k]);
      if (g == nullptr || g->n == 0) continue;
      points.emplace_back(x(*t.threshold), y(g->reoffending.value));
      last = g->reoffending.value;
    }
    svg.Polyline(points, colours[k]);
    for (const auto& [px, py] : points) svg.Circle(px, py, 3, colours[k]);
    if (truth) {
      if (const GroupOutcome* g = truth->Find(names[k]); g && g->n) {
        svg.Polyline({{x(0), y(g->reoffending.value)}, {x(1), y(g->reoffending.value)}}, colours[k], true);
      }
    }
    has_points[k] = !points.empty();
    label_y[k] = y(last) + 4;
  }
  label_y = SpreadLabels(label_y, 13);
  for (int k = 0; k < 3; ++k) {
    if (has_points[k]) svg.Text(left + plot_w + 6, label_y[k], GroupLabel(names[k]), "start", "label", colours[k]);
  }
  return svg.Done();
}

// --------------------------------------------------------------- histogram

std::string HistogramChart(const WeightHistogram& h, double threshold) {
  const size_t bins = h.all.size();
  uint64_t top_count = 1;
  for (uint64_t c : h.all) top_count = std::max(top_count, c);
  const int left = 64, right = 20, top = 34, bottom = 44, plot_w = 620, plot_h = 230;
  const int width = left + plot_w + right, height = top + plot_h + bottom;
  const double x0 = h.first_bin, x1 = h.first_bin + h.bin_width * static_cast<double>(bins);
  const Scale x{x0, x1, static_cast<double>(left), static_cast<double>(left + plot_w)};
  const Scale y{0, static_cast<double>(top_count), static_cast<double>(top + plot_h),
                static_cast<double>(top)};
  Svg svg(width, height, "Match weight histogram");
  svg.Text(left, 16, "Scored pairs by match weight (one-bit bins)", "start", "title");
  for (double t : Ticks(0, static_cast<double>(top_count), 5)) {
    svg.Line(left, y(t), left + plot_w, y(t), "grid");
    svg.Text(left - 6, y(t) + 4, fmt::format("{:g}", t), "end", "tick");
  }
  for (double t : Ticks(x0, x1, 12)) {
    svg.Text(x(t), top + plot_h + 16, fmt::format("{:g}", t), "middle", "tick");
  }
  svg.Text(left + plot_w / 2.0, height - 8, "match weight (log2 Bayes factor, prior included)",
           "middle", "label");
  const double bw = x(x0 + h.bin_width) - x(x0);
  for (size_t b = 0; b < bins; ++b) {
    const double lo = x0 + h.bin_width * static_cast<double>(b);
    const std::string range = fmt::format("weight {:g} to {:g}", lo, lo + h.bin_width);
    const double bx = x(lo) + 0.5;
    if (h.has_truth) {
      const uint64_t nm = h.non_matches[b], m = h.matches[b];
      const uint64_t unknown = h.all[b] - std::min(h.all[b], nm + m);
      double base = 0;
      auto stack = [&](uint64_t count, const char* colour, const char* what) {
        if (count == 0) return;
        const double c = static_cast<double>(count);
        svg.Rect(bx, y(base + c), bw - 1, y(base) - y(base + c), colour,
                 fmt::format("{}: {} {}", range, count, what));
        base += c;
      };
      stack(nm, kNonMatchColour, "non-matches");
      stack(m, kMatchColour, "true matches");
      stack(unknown, "#dddddd", "pairs not in the truth file");
    } else {
      const double c = static_cast<double>(h.all[b]);
      svg.Rect(bx, y(c), bw - 1, y(0) - y(c), kMatchColour, fmt::format("{}: {} pairs", range, h.all[b]));
    }
  }
  const double tw = ProbabilityToWeight(threshold);
  if (tw >= x0 && tw <= x1) {
    svg.Line(x(tw), top, x(tw), top + plot_h, "threshold");
    svg.Text(x(tw) + 4, top + 12, fmt::format("threshold {} (weight {:.1f})", threshold, tw), "start",
             "label");
  }
  svg.Line(left, top + plot_h, left + plot_w, top + plot_h, "axis");
  return svg.Done();
}

// ---------------------------------------------------------------- m and u

std::string ModelChart(const ModelSummary& model) {
  double max_weight = 1;
  for (const ModelLevel& l : model.levels) max_weight = std::max(max_weight, std::abs(l.weight));
  const int label_w = 250, bar_w = 150, gap = 70, weight_w = 240, row_h = 20, top = 44;
  size_t rows = model.levels.size();
  size_t comparisons = 0;
  for (size_t i = 0; i < model.levels.size(); ++i) {
    if (i == 0 || model.levels[i].comparison != model.levels[i - 1].comparison) ++comparisons;
  }
  const int width = label_w + 2 * (bar_w + gap) + weight_w + 20;
  const int height = top + row_h * static_cast<int>(rows) + 8 * static_cast<int>(comparisons) + 10;
  Svg svg(width, height, "m and u probabilities and match weight per comparison level");
  const double mx = label_w, ux = label_w + bar_w + gap, wx = label_w + 2 * (bar_w + gap);
  const Scale w{-max_weight, max_weight, wx, wx + weight_w};
  svg.Text(mx, 16, "m: P(level | match)", "start", "title");
  svg.Text(ux, 16, "u: P(level | non-match)", "start", "title");
  svg.Text(wx, 16, "match weight log2(m/u)", "start", "title");
  svg.Text(w(0), 34, "0", "middle", "tick");
  svg.Text(w(-max_weight), 34, fmt::format("{:.0f}", -max_weight), "start", "tick");
  svg.Text(w(max_weight), 34, fmt::format("{:+.0f}", max_weight), "end", "tick");
  double yy = top;
  for (size_t i = 0; i < model.levels.size(); ++i) {
    const ModelLevel& l = model.levels[i];
    if (i == 0 || l.comparison != model.levels[i - 1].comparison) {
      if (i > 0) yy += 8;
      svg.Line(8, yy, width - 8, yy, "sep");
    }
    const double cy = yy + row_h / 2.0;
    const bool first = i == 0 || l.comparison != model.levels[i - 1].comparison;
    svg.Text(label_w - 10, cy + 4, first ? fmt::format("{}: {}", l.comparison, l.level) : l.level,
             "end", first ? "label strong" : "label");
    const std::string tip = fmt::format("{} {}: m {:.4g}, u {:.4g}, weight {:+.2f}{}", l.comparison,
                                        l.level, l.m, l.u, l.weight,
                                        l.tf_adjusted ? " (term-frequency adjusted)" : "");
    svg.Rect(mx, cy - 6, bar_w * std::clamp(l.m, 0.0, 1.0), 12, "#4a7fc1", tip);
    svg.Text(mx + bar_w * std::clamp(l.m, 0.0, 1.0) + 4, cy + 4, fmt::format("{:.3g}", l.m), "start", "tick");
    svg.Rect(ux, cy - 6, bar_w * std::clamp(l.u, 0.0, 1.0), 12, "#9a9a9a", tip);
    svg.Text(ux + bar_w * std::clamp(l.u, 0.0, 1.0) + 4, cy + 4, fmt::format("{:.3g}", l.u), "start", "tick");
    const double a = w(std::min(0.0, l.weight)), b = w(std::max(0.0, l.weight));
    svg.Rect(a, cy - 6, b - a, 12, l.weight >= 0 ? kPositiveColour : kNegativeColour, tip);
    svg.Text(l.weight >= 0 ? b + 4 : a - 4, cy + 4, fmt::format("{:+.1f}", l.weight),
             l.weight >= 0 ? "start" : "end", "tick");
    yy += row_h;
  }
  svg.Line(w(0), top, w(0), height - 10, "axis");
  return svg.Done();
}

// --------------------------------------------------------------- waterfall

std::string WaterfallChart(const WaterfallExample& ex) {
  const Explanation& x = ex.explanation;
  struct Bar {
    std::string name, level;
    double from, to;
    bool total;
    std::string tip;
  };
  std::vector<Bar> bars;
  double running = x.prior_weight;
  bars.push_back({"prior", "lambda", 0, running, false, fmt::format("prior {:+.2f}", running)});
  for (const ExplanationStep& s : x.steps) {
    const double from = running;
    running += s.weight;
    bars.push_back({s.comparison, s.level, from, running, false,
                    fmt::format("{} ({}): {:+.2f}{}; m {:.4g}, u {:.4g}", s.comparison, s.level,
                                s.weight,
                                s.tf_adjustment != 0 ? fmt::format(" incl. TF {:+.2f}", s.tf_adjustment) : "",
                                s.m, s.u)});
  }
  bars.push_back({"total", fmt::format("p = {:.4f}", x.probability), 0, running, true,
                  fmt::format("total {:+.2f}, probability {:.6f}", running, x.probability)});
  double lo = 0, hi = 0;
  for (const Bar& b : bars) lo = std::min({lo, b.from, b.to}), hi = std::max({hi, b.from, b.to});
  const auto [d0, d1] = Nice(lo - 1, hi + 1, 5);
  const int left = 50, top = 14, plot_h = 220, bottom = 48, col = 84;
  const int width = left + col * static_cast<int>(bars.size()) + 16;
  const int height = top + plot_h + bottom;
  const Scale y{d0, d1, static_cast<double>(top + plot_h), static_cast<double>(top)};
  Svg svg(width, height, "Waterfall of match weight for " + ex.pair.label);
  for (double t : Ticks(d0, d1, 6)) {
    svg.Line(left, y(t), width - 10, y(t), t == 0 ? "axis" : "grid");
    svg.Text(left - 6, y(t) + 4, fmt::format("{:g}", t), "end", "tick");
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double bx = left + col * static_cast<double>(i) + 10;
    const double y0 = y(std::max(b.from, b.to)), y1 = y(std::min(b.from, b.to));
    const char* colour = b.total ? "#555555" : (b.to >= b.from ? kPositiveColour : kNegativeColour);
    svg.Rect(bx, y0, col - 20, std::max(1.0, y1 - y0), colour, b.tip);
    const double delta = b.to - b.from;
    svg.Text(bx + (col - 20) / 2.0, y0 - 4, fmt::format("{:+.1f}", b.total ? b.to : delta), "middle", "tick");
    if (i + 1 < bars.size() && !b.total) {
      svg.Line(bx + col - 20, y(b.to), bx + col, y(b.to), "connector");
    }
    svg.Text(bx + (col - 20) / 2.0, top + plot_h + 16, b.name, "middle", "label strong");
    std::string level = b.level;
    if (level.size() > 14) level = level.substr(0, 13) + "\xE2\x80\xA6";
    svg.Text(bx + (col - 20) / 2.0, top + plot_h + 30, level, "middle", "tick");
  }
  return svg.Done();
}

std::string WaterfallSection(const WaterfallExample& ex) {
  std::string truth;
  if (ex.pair.true_match.has_value()) {
    truth = *ex.pair.true_match ? " &middot; <b class=\"ok\">true match</b>"
                                : " &middot; <b class=\"bad\">not the same person</b>";
  }
  std::string out = fmt::format(
      "<div class=\"card\"><h4>{} <span class=\"muted\">{}:{} &harr; {}:{} &middot; weight {:+.2f} "
      "&middot; probability {:.4f}{}</span></h4>",
      HtmlEscape(ex.pair.label), HtmlEscape(ex.pair.source_l), HtmlEscape(ex.pair.id_l),
      HtmlEscape(ex.pair.source_r), HtmlEscape(ex.pair.id_r), ex.explanation.total_weight,
      ex.explanation.probability, truth);
  out += "<div class=\"scroll\">" + WaterfallChart(ex) + "</div>";
  out += "<table class=\"small\"><tr><th>comparison</th><th>level</th><th>m</th><th>u</th>"
         "<th>weight</th><th>left</th><th>right</th></tr>";
  for (const ExplanationStep& s : ex.explanation.steps) {
    const bool null = s.level == "null";
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:+.2f}</td>"
                       "<td>{}</td><td>{}</td></tr>",
                       HtmlEscape(s.comparison), HtmlEscape(s.level), null ? "" : fmt::format("{:.4g}", s.m),
                       null ? "" : fmt::format("{:.4g}", s.u), s.weight, HtmlEscape(s.left_values),
                       HtmlEscape(s.right_values));
  }
  return out + "</table></div>";
}

// ---------------------------------------------------- precision and recall

std::string PrecisionRecallChart(const EvalReport& report, double threshold) {
  double lo = 1;
  for (const EvalPoint& p : report.curve) lo = std::min({lo, p.precision, p.recall});
  const double d0 = std::max(0.0, std::floor((lo - 0.005) * 20) / 20);
  const int left = 56, right = 110, top = 34, bottom = 40, plot_w = 420, plot_h = 240;
  const int width = left + plot_w + right, height = top + plot_h + bottom;
  const Scale x{0, 1, static_cast<double>(left), static_cast<double>(left + plot_w)};
  const Scale y{d0, 1, static_cast<double>(top + plot_h), static_cast<double>(top)};
  Svg svg(width, height, "Precision and recall against threshold");
  svg.Text(left, 16, "Pairwise precision and recall against the link truth", "start", "title");
  for (double t : Ticks(d0, 1, 6)) {
    svg.Line(left, y(t), left + plot_w, y(t), "grid");
    svg.Text(left - 6, y(t) + 4, fmt::format("{:g}", t), "end", "tick");
  }
  for (double t : Ticks(0, 1, 10)) svg.Text(x(t), top + plot_h + 16, fmt::format("{:g}", t), "middle", "tick");
  svg.Text(left + plot_w / 2.0, height - 6, "match probability threshold", "middle", "label");
  struct Line {
    const char* name;
    const char* colour;
    double EvalPoint::*field;
    bool dashed;
  };
  const Line lines[] = {Line{"precision", kThresholdColour, &EvalPoint::precision, false},
                        Line{"recall", kWeightedColour, &EvalPoint::recall, false},
                        Line{"F1", "#666666", &EvalPoint::f1, true}};
  std::vector<double> label_y;
  for (const Line& line : lines) {
    std::vector<std::pair<double, double>> points;
    for (const EvalPoint& p : report.curve) {
      points.emplace_back(x(p.threshold), y(std::max(d0, p.*line.field)));
    }
    svg.Polyline(points, line.colour, line.dashed);
    for (const EvalPoint& p : report.curve) {
      svg.Circle(x(p.threshold), y(std::max(d0, p.*line.field)), 2.5, line.colour,
                 fmt::format("threshold {:g}: {} {:.4f}", p.threshold, line.name, p.*line.field));
    }
    label_y.push_back(points.empty() ? 0.0 : points.back().second + 4);
  }
  label_y = SpreadLabels(label_y, 13);
  for (size_t i = 0; i < std::size(lines) && !report.curve.empty(); ++i) {
    svg.Text(left + plot_w + 6, label_y[i], lines[i].name, "start", "label", lines[i].colour);
  }
  svg.Line(x(threshold), top, x(threshold), top + plot_h, "threshold");
  return svg.Done();
}

// ------------------------------------------------------------------ tables

std::string Ci(const Estimate& e) {
  return fmt::format("{} <span class=\"ci\">({}&ndash;{})</span>", Pct(e.value), F(100 * e.lower, 1),
                     F(100 * e.upper, 1));
}

std::string GapCi(const Estimate& e) {
  return fmt::format("{} <span class=\"ci\">({} to {})</span>", SignedPp(e.value), SignedPp(e.lower),
                     SignedPp(e.upper));
}

std::string OutcomeTableHtml(const OutcomeAnalysis& a) {
  const OutcomeTable* truth = a.truth ? &*a.truth : nullptr;
  std::string out =
      "<table class=\"outcomes\" id=\"outcome-table\"><thead><tr><th>Group</th><th>n</th>"
      "<th>Completion<br><span class=\"muted\">% (95% CI)</span></th>"
      "<th>Proven reoffending<br><span class=\"muted\">(a) threshold, % (95% CI)</span></th>"
      "<th>Proven reoffending<br><span class=\"muted\">(b) weighted</span></th>"
      "<th>Reoffences per reoffender</th>";
  if (truth) out += "<th>Planted truth<br><span class=\"muted\">completion / reoffending</span></th>";
  out += "</tr></thead><tbody>";
  for (const GroupOutcome& g : a.headline.groups) {
    const GroupOutcome* w = a.weighted.Find(g.name);
    const GroupOutcome* t = truth ? truth->Find(g.name) : nullptr;
    out += fmt::format("<tr{}><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
                       "<td class=\"num\">{:.2f}</td>",
                       g.name == "inspected" ? " class=\"first-total\"" : "",
                       HtmlEscape(GroupLabel(g.name)), g.n, g.n ? Ci(g.completion) : "&ndash;",
                       g.n ? Ci(g.reoffending) : "&ndash;", w && w->n ? Pct(w->reoffending.value) : "&ndash;",
                       g.reoffences_per_reoffender);
    if (truth) {
      out += t ? fmt::format("<td>{} / {}</td>", Pct(t->completion.value), Pct(t->reoffending.value))
               : "<td></td>";
    }
    out += "</tr>";
  }
  out += fmt::format(
      "<tr class=\"gap\"><td>Gap: both sufficient &minus; both insufficient (pp)</td><td></td>"
      "<td>{}</td><td>{}</td><td>{}</td><td></td>",
      GapCi(a.headline.completion_gap), GapCi(a.headline.reoffending_gap),
      SignedPp(a.weighted.reoffending_gap.value));
  if (truth) {
    out += fmt::format("<td>{} / {}</td>", SignedPp(truth->completion_gap.value),
                       SignedPp(truth->reoffending_gap.value));
  }
  return out + "</tr></tbody></table>";
}

std::string LinkageTableHtml(const OutcomeAnalysis& a) {
  const OutcomeTable* truth = a.truth ? &*a.truth : nullptr;
  std::string out =
      "<table id=\"linkage-table\"><thead><tr><th>Linkage</th><th>Links used</th>"
      "<th>Cases linked</th><th>Reoffending, all cases</th><th>Reoffending gap (pp, 95% CI)</th>";
  if (truth) out += "<th>Gap bias (pp)</th><th>Worst group bias (pp)</th>";
  out += "</tr></thead><tbody>";
  auto row = [&](const std::string& name, const OutcomeTable& t, bool strong) {
    const GroupOutcome* cohort = t.Find("cohort");
    out += fmt::format("<tr{}><td title=\"{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td>{}</td><td>{}</td>",
                       strong ? " class=\"strong\"" : "", HtmlEscape(t.description), HtmlEscape(name),
                       t.links_used, cohort ? cohort->linked : 0,
                       cohort ? Pct(cohort->reoffending.value) : "", GapCi(t.reoffending_gap));
    if (truth) {
      double worst = 0;
      std::string worst_group;
      for (const GroupOutcome& g : t.groups) {
        if (const GroupOutcome* tg = truth->Find(g.name)) {
          const double b = std::abs(g.reoffending.value - tg->reoffending.value);
          if (b >= worst) worst = b, worst_group = g.name;
        }
      }
      out += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{:.2f} <span class=\"muted\">{}</span></td>",
                         SignedPp(t.reoffending_gap.value - truth->reoffending_gap.value), 100 * worst,
                         HtmlEscape(GroupLabel(worst_group)));
    }
    out += "</tr>";
  };
  row(fmt::format("(a) threshold {}", a.threshold), a.headline, true);
  row("(b) probability-weighted", a.weighted, true);
  for (const OutcomeTable& t : a.sweep) row(fmt::format("(c) threshold {:.1f}", *t.threshold), t, false);
  for (const OutcomeTable& t : a.extra) row(t.linkage, t, true);
  return out + "</tbody></table>";
}

std::string InputsHtml(const OutcomeAnalysis& a, const std::vector<std::string>& notes) {
  std::string out = "<table class=\"small\"><tr><th>input</th><th>file</th><th>rows</th><th>used</th>"
                    "<th>skipped</th></tr>";
  for (const auto& [name, c] : {std::pair<const char*, const InputCounts*>{"sentences", &a.sentences},
                                {"inspections", &a.inspections},
                                {"disposals", &a.disposals},
                                {"pairs", &a.pairs}}) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td></tr>",
                       name, HtmlEscape(c->file), c->rows, c->used, c->skipped);
  }
  out += "</table><ul class=\"facts\">";
  out += fmt::format("<li>{} probation cases, {} inspected; {} police records with disposals</li>",
                     a.cases, a.inspected, a.police_records_with_disposals);
  out += fmt::format("<li>{} candidate probation&ndash;police pairs; {} cases have at least one "
                     "candidate</li>",
                     a.candidate_links, a.cases_with_candidates);
  if (a.link_evaluation) {
    const EvalPoint& p = a.link_evaluation->at_threshold;
    out += fmt::format("<li>pairwise accuracy at threshold {}: precision {:.4f}, recall {:.4f}, F1 "
                       "{:.4f}</li>",
                       p.threshold, p.precision, p.recall, p.f1);
  }
  out += fmt::format("<li>analysis time {:.2f} s</li></ul>", a.seconds);
  if (!a.warnings.empty() || !notes.empty()) {
    out += "<ul class=\"warnings\">";
    for (const std::string& w : a.warnings) out += "<li>" + HtmlEscape(w) + "</li>";
    for (const std::string& n : notes) out += "<li>" + HtmlEscape(n) + "</li>";
    out += "</ul>";
  }
  return out;
}

constexpr const char* kStyle = R"(
:root{--fg:#1d232b;--muted:#68707a;--line:#e3e6ea;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#16324f;color:#fff;padding:22px 32px 18px}
header h1{margin:0 0 4px;font-size:24px;font-weight:600}
header p{margin:0;color:#c9d6e3}
nav{padding:8px 32px;background:#fff;border-bottom:1px solid var(--line);font-size:13px}
nav a{margin-right:18px;color:#1f5fa8;text-decoration:none}
main{max-width:1160px;margin:0 auto;padding:8px 24px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:18px 0}
h2{font-size:18px;margin:0 0 6px}
h3{font-size:15px;margin:18px 0 6px}
h4{font-size:14px;margin:4px 0 8px}
p.lead{margin:0 0 12px;color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;font-size:12.5px;background:#fafbfc}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td{font-variant-numeric:tabular-nums}
tr.gap td{font-weight:600;background:#f3f7fc;border-top:2px solid #c8d6e8}
tr.first-total td{border-top:2px solid #c8d6e8}
tr.strong td{font-weight:600}
table.small{font-size:12.5px}
.ci,.muted{color:var(--muted);font-weight:400}
.charts{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.legend{font-size:12.5px;margin:4px 0 8px;color:var(--muted)}
.legend span{margin-right:16px;white-space:nowrap}
.legend i{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:5px;vertical-align:-1px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:12px 0}
.scroll{overflow-x:auto}
.ok{color:#2e8b57}.bad{color:#c0392b}
.errors{background:#fdecea;color:#8a1c12;border:1px solid #f5c2bd;padding:8px 12px;white-space:pre-wrap;margin:12px 32px}
ul.warnings{color:#8a5a00}
svg{max-width:100%;height:auto}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#333}
svg text.title{font-weight:600;font-size:13px}
svg text.tick{fill:#68707a;font-size:11px}
svg text.strong{font-weight:600}
svg .grid{stroke:#eceef1;stroke-width:1}
svg .axis{stroke:#9aa1a9;stroke-width:1}
svg .sep{stroke:#d5dae0;stroke-width:1}
svg .whisker{stroke-width:2}
svg .connector{stroke:#999;stroke-dasharray:3 3}
svg .threshold{stroke:#d9730d;stroke-width:2;stroke-dasharray:5 4}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px}
)";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

absl::StatusOr<ModelSummary> ParseModelJson(std::string_view json_text) {
  const nlohmann::json root = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
  auto bad = [](const std::string& why) { return absl::InvalidArgumentError("model.json: " + why); };
  if (root.is_discarded() || !root.is_object() || !root.contains("comparisons") ||
      !root["comparisons"].is_array()) {
    return bad("expected an object with \"comparisons\"");
  }
  ModelSummary model;
  if (root.contains("lambda") && root["lambda"].is_number()) model.lambda = root["lambda"].get<double>();
  for (const nlohmann::json& c : root["comparisons"]) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || !c.contains("levels") ||
        !c["levels"].is_array()) {
      return bad("each comparison needs \"name\" and \"levels\"");
    }
    for (const nlohmann::json& l : c["levels"]) {
      if (!l.is_object() || !l.contains("m") || !l.contains("u") || !l["m"].is_number() ||
          !l["u"].is_number()) {
        return bad(fmt::format("comparison \"{}\": each level needs numbers m and u",
                               c["name"].get<std::string>()));
      }
      ModelLevel level;
      level.comparison = c["name"].get<std::string>();
      level.level = l.contains("level") && l["level"].is_string() ? l["level"].get<std::string>() : "";
      level.m = l["m"].get<double>();
      level.u = l["u"].get<double>();
      level.weight = level.m > 0 && level.u > 0 ? std::log2(level.m / level.u) : 0.0;
      level.tf_adjusted = l.contains("tf_adjusted") && l["tf_adjusted"].is_boolean() &&
                          l["tf_adjusted"].get<bool>();
      model.levels.push_back(std::move(level));
    }
  }
  return model;
}

std::string RenderReportHtml(const ReportInput& input) {
  const OutcomeAnalysis& a = *input.analysis;
  const OutcomeTable* truth = a.truth ? &*a.truth : nullptr;
  std::string html;
  html.reserve(1 << 18);
  html += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<title>probity: outcomes after supervision</title><style>";
  html += kStyle;
  html += "</style>\n<script>\n"
          "window.probityErrors=[];\n"
          "window.onerror=function(message,source,line){window.probityErrors.push(String(message)+"
          "' (line '+line+')');var e=document.getElementById('script-errors');"
          "if(e){e.hidden=false;e.textContent=window.probityErrors.join('\\n');}};\n"
          "</script></head>\n<body>\n";
  html += fmt::format(
      "<header><h1>Outcomes after supervision</h1><p>Sentence completion and proven reoffending by "
      "quality of supervision &middot; {} probation cases, {} inspected &middot; linkage threshold "
      "{}</p></header>\n",
      a.cases, a.inspected, a.threshold);
  html += "<div id=\"script-errors\" class=\"errors\" hidden></div>\n";
  html += "<nav><a href=\"#outcomes\">Outcomes</a><a href=\"#rates\">Rates</a>"
          "<a href=\"#sensitivity\">Linkage sensitivity</a><a href=\"#diagnostics\">Linkage "
          "diagnostics</a><a href=\"#inputs\">Inputs</a></nav>\n<main>\n";

  // Outcome table.
  html += "<section id=\"outcomes\"><h2>Outcomes by supervision quality</h2><p class=\"lead\">"
          "Groups by the inspection judgements on engaging the person and supporting desistance "
          "(and keeping others safe). Proven reoffending: an offence within 12 months of the "
          "sentence start, proven by a conviction or caution within that year or a further 6 "
          "months. (a) counts police records linked at or above the threshold; (b) weights every "
          "candidate record by its match probability. Intervals: Wilson (rates), Newcombe hybrid "
          "score (gaps).</p>";
  html += OutcomeTableHtml(a);
  html += "</section>\n";

  // Rate charts.
  html += "<section id=\"rates\"><h2>Rates with 95% intervals by group</h2>";
  std::vector<std::pair<std::string, std::string>> legend = {
      {"(a) threshold " + fmt::format("{}", a.threshold), kThresholdColour},
      {"(b) probability-weighted", kWeightedColour}};
  if (truth) legend.push_back({"planted truth (black line)", kTruthColour});
  html += Legend(legend);
  html += "<div class=\"charts\">";
  html += RateChart("Sentence completion", true, {{"linked", kThresholdColour, &a.headline}}, truth);
  html += RateChart("Proven reoffending", false,
                    {{"(a) threshold", kThresholdColour, &a.headline},
                     {"(b) weighted", kWeightedColour, &a.weighted}},
                    truth);
  html += "</div><p class=\"lead\">Completion comes from the probation data alone, so it does not "
          "depend on the linkage.</p></section>\n";

  // Sensitivity.
  html += "<section id=\"sensitivity\"><h2>How much the conclusion depends on the linkage</h2>"
          "<p class=\"lead\">The same analysis with (c) thresholds from 0.1 to 0.9, next to "
          "(b) probability weighting and any other linkage given.";
  if (truth) html += " Bias is the estimate minus the planted truth, in percentage points.";
  html += "</p><div class=\"charts\">" + SweepChart(a) + SweepRatesChart(a) + "</div>";
  html += LinkageTableHtml(a);
  html += "</section>\n";

  // Diagnostics.
  html += "<section id=\"diagnostics\"><h2>Linkage diagnostics</h2>";
  html += "<h3>Match weight distribution</h3>";
  if (!a.histogram.all.empty()) {
    if (a.histogram.has_truth) {
      html += Legend({{"true matches", kMatchColour}, {"non-matches", kNonMatchColour}});
    }
    html += "<div class=\"scroll\">" + HistogramChart(a.histogram, a.threshold) + "</div>";
  } else {
    html += "<p class=\"muted\">The pairs file holds no pairs.</p>";
  }
  html += "<h3>m and u per comparison level</h3>";
  if (input.model) {
    html += fmt::format("<p class=\"lead\">Prior probability that two records match (lambda): {:.3g}. "
                        "Hover a bar for its values.</p>",
                        input.model->lambda);
    html += "<div class=\"scroll\">" + ModelChart(*input.model) + "</div>";
  } else {
    html += "<p class=\"muted\">No model given (--model model.json).</p>";
  }
  html += "<h3>Waterfall charts for example pairs</h3>";
  if (!input.waterfalls.empty()) {
    html += "<p class=\"lead\">How each comparison moves the match weight, from the prior to the "
            "total. Green adds evidence for a match, red against.</p>";
    for (const WaterfallExample& ex : input.waterfalls) html += WaterfallSection(ex);
  } else {
    html += "<p class=\"muted\">Waterfalls need the linkage store (--db).</p>";
  }
  html += "<h3>Precision and recall against threshold</h3>";
  if (a.link_evaluation && !a.link_evaluation->curve.empty()) {
    html += "<div class=\"scroll\">" + PrecisionRecallChart(*a.link_evaluation, a.threshold) + "</div>";
  } else {
    html += "<p class=\"muted\">Needs link truth (--link-truth truth.csv).</p>";
  }
  html += "</section>\n";

  html += "<section id=\"inputs\"><h2>Inputs</h2>" + InputsHtml(a, input.notes) + "</section>\n";
  html += "</main><footer>Generated by " + HtmlEscape(input.generator) +
          ". Self-contained: no network access needed.</footer>\n";
  html += "<script>\nwindow.addEventListener('load',function(){document.body.dataset.rendered="
          "window.probityErrors.length?'errors':'ok';});\n</script>\n</body></html>\n";
  return html;
}

}  // namespace probity
