// `./bazelw run //bench:report [-- --json=FILE] [-- --benchmark_*=...]`
//
// Runs the overhead suite and prints each row's measured figure beside its target
// (issue 6): the Google Benchmark rows (median of repetitions, CPU time), the callgrind
// instruction counts (bench/callgrind_spans.sh), the bytes a span takes in its thread
// buffer, and the exporters' encoding rate (spans per second on one core). --json=FILE also
// writes everything as JSON, for tracking across commits; other arguments go to the
// benchmark binaries (e.g. --benchmark_min_time=1).
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

std::string run(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
    if (pclose(pipe) != 0) std::cerr << "report: `" << command << "` failed\n";
  }
  return out;
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// Each benchmark of a binary, by name: its median over the repetitions (CPU time and
// counters), and under "name:aggregate" any other aggregate it asks for (the highest,
// say). Google Benchmark writes NaN and Infinity (the cv of an all-zero counter, say), which
// JSON has no word for: they become null, so that the rest of the file parses.
std::string finite_json(std::string text) {
  for (const std::string word : {"-Infinity", "Infinity", "-NaN", "NaN"})
    for (std::size_t at; (at = text.find(": " + word)) != std::string::npos;) text.replace(at + 2, word.size(), "null");
  return text;
}

std::map<std::string, json> run_benchmarks(const std::string& binary, const std::string& extra, json& raw) {
  std::map<std::string, json> rows;
  if (!exists(binary)) return rows;
  const std::string out = run(binary +
                              " --benchmark_format=json --benchmark_repetitions=5"
                              " --benchmark_report_aggregates_only=true --benchmark_min_time=0.2" +
                              extra + " 2>/dev/null");
  json j = json::parse(finite_json(out), nullptr, false);
  if (j.is_discarded()) {
    std::cerr << "report: " << binary << " wrote no JSON that parses; its rows are n/a\n";
    return rows;
  }
  raw.push_back(j);
  for (const json& b : j["benchmarks"]) {
    const std::string aggregate = b.value("aggregate_name", "");
    if (aggregate == "median") rows[b["run_name"].get<std::string>()] = b;
    else if (aggregate != "") rows[b["run_name"].get<std::string>() + ":" + aggregate] = b;
  }
  return rows;
}

std::string fmt(double v, const char* unit, int decimals = 1) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, unit);
  return buf;
}

struct Row {
  std::string name, what, target, measured;
  std::optional<bool> met;
};

}  // namespace

int main(int argc, char** argv) {
  std::string json_path, extra;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--json=", 0) == 0) json_path = a.substr(7);
    else if (a == "--benchmark_format=json") json_path = "/dev/stdout";
    else extra += " '" + a + "'";
  }
  // Under `bazel run` the binaries are in the runfiles tree, the working directory.
  const std::string dir = exists("bench/span_bench") ? "bench/" : "bazel-bin/bench/";

  json raw = json::array();
  std::cerr << "report: running span benchmarks...\n";
  auto bm = run_benchmarks(dir + "span_bench", extra, raw);
  std::cerr << "report: running propagation benchmarks...\n";
  auto prop = run_benchmarks(dir + "propagation_bench", extra, raw);
  bm.insert(prop.begin(), prop.end());
  std::cerr << "report: running export benchmarks...\n";
  auto exporting = run_benchmarks(dir + "export_bench", extra, raw);
  bm.insert(exporting.begin(), exporting.end());
  std::cerr << "report: running the pipeline under load...\n";
  auto pipeline = run_benchmarks(dir + "pipeline_bench", extra, raw);
  bm.insert(pipeline.begin(), pipeline.end());
  std::cerr << "report: exporting into a loopback OTLP receiver...\n";
  auto loopback = run_benchmarks(dir + "loopback_bench", extra, raw);
  std::cerr << "report: counting instructions with callgrind...\n";
  json cg = json::parse(run(dir + "callgrind_spans.sh " + dir + "callgrind_driver --json"), nullptr, false);
  if (cg.is_discarded()) cg = json::object();

  auto ns = [&](const std::string& name) {
    auto it = bm.find(name);
    return it == bm.end() ? NAN : it->second["cpu_time"].get<double>();
  };
  auto counter = [&](const std::string& name, const char* key) {
    auto it = bm.find(name);
    return it == bm.end() || !it->second.contains(key) ? NAN : it->second[key].get<double>();
  };
  auto instr = [&](const char* key) { return cg.contains(key) ? cg[key].get<double>() : NAN; };

  const double clock_pair = ns("BM_ClockPair"), sampled = ns("BM_SpanSampled2Tags");
  const double nested = ns("BM_SpanNested");
  // The hot path on one thread and on two, with rings that hold every span (span_bench.cc):
  // CPU time per span, and the share a full ring dropped, which should be none.
  auto with_room = [&](int threads) {
    const std::string name = "BM_SpanSampled2TagsWithRoom/" + std::to_string(threads) + "/iterations:2/manual_time";
    return std::pair{1e9 / counter(name, "items_per_second"), counter(name, "dropped_buffer_share")};
  };
  const auto [one_with_room, one_dropped] = with_room(1);
  const auto [two_with_room, two_dropped] = with_room(2);
  // Share of the 2-thread row's spans lost: a full buffer or a full exporter queue.
  const double dropped2 = counter("BM_SpanSampled2Tags/threads:2", "dropped_share");
  const double full2 = counter("BM_SpanSampled2Tags/threads:2", "dropped_buffer_share");
  // The collector's own cost: CPU time of a drain into the discarding exporter's queue,
  // the best of the repetitions (what the drain costs when no other process took its caches
  // meanwhile: the report runs on a busy machine) and their median.
  const double collector = 1e9 / counter("BM_CollectorDrain:max", "items_per_second");
  const double collector_median = 1e9 / counter("BM_CollectorDrain", "items_per_second");
  // What the collector's figure leaves out or includes: records from another core's cache
  // (as under load), and the wake of the sleeping worker that each of its drains pays.
  const double collector_cross_core = 1e9 / counter("BM_CollectorDrainFromAnotherCore", "items_per_second");
  const double wake = ns("BM_WakeSleepingThread");
  const double new_thread = 1e9 / counter("BM_NewThreadFirstSpans/manual_time", "items_per_second");
  const double i_sampled = instr("sampled"), i_nested = instr("nested");
  const double bytes = instr("bytes_per_span");
  const double zipkin = counter("BM_EncodeZipkinJson", "items_per_second");
  const double otlp_protobuf = counter("BM_EncodeOtlpProtobuf", "items_per_second");
  const double otlp_library = counter("BM_EncodeOtlpProtobufLibrary", "items_per_second");
  const double otlp_json = counter("BM_EncodeOtlpJson", "items_per_second");
  const double otlp_json_library = counter("BM_EncodeOtlpJsonLibrary", "items_per_second");
  const double chrome = counter("BM_EncodeChromeJson", "items_per_second");
  const double jsonl = counter("BM_EncodeJsonLines", "items_per_second");
  const double jaeger = counter("BM_EncodeJaegerCompact", "items_per_second");
  const double jaeger_lib = counter("BM_EncodeJaegerCompactThriftLib", "items_per_second");
  auto ok = [](double v, bool met) -> std::optional<bool> {
    if (std::isnan(v)) return std::nullopt;
    return met;
  };

  // The pipeline's capacity: no target, the share dropped is the figure to watch.
  auto pipeline_row = [&](int threads) -> Row {
    const std::string name = "BM_PipelineFlatOut/real_time/threads:" + std::to_string(threads);
    const double exported = counter(name, "exported_per_s");
    return {"BM_PipelineFlatOut/threads:" + std::to_string(threads),
            std::to_string(threads) + " producer(s) flat out, discarding exporter", "reference",
            fmt(exported / 1e6, " M/s exported", 1) + ", " +
                fmt(100 * counter(name, "dropped_buffer_full"), " %", 0) + " buffer, " +
                fmt(100 * counter(name, "dropped_queue_full"), " %", 0) + " queue dropped",
            std::nullopt};
  };

  // End to end into a loopback receiver: the highest rate per producer that lost nothing
  // (median of the repetitions), and the most that arrived per second at any rate.
  auto loopback_row = [&](int threads) -> Row {
    double sustained = NAN, most = NAN;
    const std::string suffix = "/iterations:1/real_time/threads:" + std::to_string(threads);
    for (const auto& [name, b] : loopback) {
      if (!name.ends_with(suffix)) continue;
      const double rate = std::stod(name.substr(name.find('/') + 1)) * threads;
      if (b.value("dropped", 1.0) == 0 && !(rate <= sustained)) sustained = rate;
      if (!(b.value("exported_per_s", 0.0) <= most)) most = b.value("exported_per_s", 0.0);
    }
    return {"BM_LoopbackOtlp/threads:" + std::to_string(threads),
            std::to_string(threads) + " producer(s) into OTLP on loopback", "reference",
            fmt(sustained / 1e3, " k/s without drops", 0) + ", at most " + fmt(most / 1e3, " k/s", 0), std::nullopt};
  };

  // Issue 13's table: callgrind instructions against the target, CPU time beside them.
  auto span_row = [&](const std::string& name, const std::string& what, const char* key, double target) -> Row {
    const double i = instr(key);
    return {name, what, "<= " + fmt(target, " instr", 0), fmt(i, " instr", 0) + ", " + fmt(ns(name), " ns", 2),
            ok(i, i <= target)};
  };

  std::vector<Row> rows = {
      {"BM_Baseline", "empty loop", "reference", fmt(ns("BM_Baseline"), " ns", 2), std::nullopt},
      {"BM_ClockPair", "the two clock reads of a span", "reference", fmt(clock_pair, " ns"), std::nullopt},
      span_row("BM_SpanSampled2Tags", "sampled root, int + \"GET\" tags", "sampled", 100),
      {"", "", "<= ClockPair + 15 ns", fmt(sampled, " ns") + " (+" + fmt(sampled - clock_pair, " ns") + ")",
       ok(sampled, sampled <= clock_pair + 15)},
      span_row("BM_SpanSampled2TagsRuntimeString", "same, string known at run time", "sampled_runtime_string", 110),
      {"BM_SpanSampledRuntimeName", "same as the first, named at run time", "reference",
       fmt(instr("sampled_runtime_name"), " instr", 0) + ", " + fmt(ns("BM_SpanSampledRuntimeName"), " ns", 2),
       std::nullopt},
      span_row("BM_SpanSampledBare", "sampled root, no tags", "sampled_bare", 70),
      span_row("BM_SpanNestedBare", "child of a sampled span, no tags", "nested_bare", 60),
      span_row("BM_SpanSampledOutRoot", "sampled-out root, AlwaysOffSampler", "sampled_out_root", 15),
      span_row("BM_SpanSampledOut", "child of a sampled-out span, 2 tags", "sampled_out", 15),
      span_row("BM_SpanSampledOutRatioRoot", "sampled-out root, ratio sampler", "sampled_out_ratio_root", 30),
      {"BM_SpanNested", "child span, 2 tags", "<= 1.1 x Sampled2Tags",
       fmt(i_nested, " instr", 0) + ", " + fmt(nested, " ns") + " (" + fmt(nested / sampled, " x", 2) + ")",
       ok(nested, nested <= 1.1 * sampled && i_nested <= 1.1 * i_sampled)},
      {"BM_SpanSampled2TagsWithRoom/2", "first row on 2 threads, rings with room", "CPU/span within 10 % of 1",
       fmt(two_with_room, " ns") + " (1 thread " + fmt(one_with_room, " ns") + ", " +
           fmt(100 * (two_with_room / one_with_room - 1), " %", 0) + ")",
       // A span a full buffer drops skips the buffer write: the row only counts when (nearly)
       // none were.
       ok(two_with_room, two_with_room <= 1.1 * one_with_room && one_dropped < 0.01 && two_dropped < 0.01)},
      {"stats().span_cost_nanos", "zspan's own measure of SampledBare", "within 20 % of it",
       fmt(counter("BM_SpanSampledBare", "span_cost_nanos"), " ns") + " (" +
           fmt(100 * (counter("BM_SpanSampledBare", "span_cost_nanos") / ns("BM_SpanSampledBare") - 1), " %", 0) + ")",
       ok(counter("BM_SpanSampledBare", "span_cost_nanos"),
          std::abs(counter("BM_SpanSampledBare", "span_cost_nanos") / ns("BM_SpanSampledBare") - 1) <= 0.2)},
      {"BM_InjectW3C", "traceparent inject", "<= 50 ns", fmt(ns("BM_InjectW3C"), " ns"),
       ok(ns("BM_InjectW3C"), ns("BM_InjectW3C") <= 50)},
      {"BM_ExtractW3C", "traceparent extract", "<= 50 ns", fmt(ns("BM_ExtractW3C"), " ns"),
       ok(ns("BM_ExtractW3C"), ns("BM_ExtractW3C") <= 50)},
      {"(bytes)", "per recorded span, 2 tags", "<= 96 B", fmt(bytes, " B", 0), ok(bytes, bytes <= 96)},
      {"BM_SpanCompiledOut", "the first row, ZSPAN_DISABLED", "= BM_Baseline",
       fmt(ns("BM_SpanCompiledOut"), " ns", 2) + " (machine code: tests/instrument/codegen)",
       ok(ns("BM_SpanCompiledOut"), ns("BM_SpanCompiledOut") <= ns("BM_Baseline") + 0.5)},
      {"BM_EncodeZipkinJson", "golden spans to Zipkin v2 JSON", ">= 2 M spans/s",
       fmt(zipkin / 1e6, " M spans/s", 2), ok(zipkin, zipkin >= 2e6)},
      {"BM_EncodeOtlpProtobuf", "golden spans to OTLP protobuf, direct", ">= 5 M spans/s",
       fmt(otlp_protobuf / 1e6, " M spans/s", 2), ok(otlp_protobuf, otlp_protobuf >= 5e6)},
      {"BM_EncodeOtlpProtobufLibrary", "the same bytes through libprotobuf", "reference",
       fmt(otlp_library / 1e6, " M spans/s", 2), std::nullopt},
      {"BM_EncodeOtlpJson", "golden spans to OTLP http/json, direct", ">= 2 M spans/s",
       fmt(otlp_json / 1e6, " M spans/s", 2), ok(otlp_json, otlp_json >= 2e6)},
      {"BM_EncodeOtlpJsonLibrary", "the same JSON through libprotobuf", "reference",
       fmt(otlp_json_library / 1e6, " M spans/s", 2), std::nullopt},
      {"BM_EncodeChromeJson", "golden spans to Chrome trace JSON", ">= 3 M spans/s", fmt(chrome / 1e6, " M spans/s", 2),
       ok(chrome, chrome >= 3e6)},
      {"BM_EncodeJsonLines", "golden spans to JSON Lines", ">= 3 M spans/s", fmt(jsonl / 1e6, " M spans/s", 2),
       ok(jsonl, jsonl >= 3e6)},
      // A direct encoder must beat the library's (issue 10), which its row shows beside it.
      {"BM_EncodeJaegerCompact", "golden spans to Jaeger Thrift compact", ">= 5 M/s, > ThriftLib",
       fmt(jaeger / 1e6, " M spans/s", 2), ok(jaeger, jaeger >= 5e6 && !(jaeger <= jaeger_lib))},
      {"BM_EncodeJaegerCompactThriftLib", "the same, Apache Thrift's classes", "reference",
       fmt(jaeger_lib / 1e6, " M spans/s", 2), std::nullopt},
      {"BM_SpanSampled2Tags/threads:2", "2-thread share lost (buffer + queue)", "< 1 %",
       fmt(100 * dropped2, " %", 1) + " (" + fmt(100 * full2, " %", 1) + " full buffer)", ok(dropped2, dropped2 < 0.01)},
      {"BM_CollectorDrain", "collector CPU per drained span, discarding", "<= 10 ns (best of 5)",
       fmt(collector, " ns", 2) + " (median " + fmt(collector_median, " ns", 2) + ")", ok(collector, collector <= 10)},
      {"BM_CollectorDrainFromAnotherCore", "the same, spans recorded on another core", "reference",
       fmt(collector_cross_core, " ns", 2) + " (median of 5)", std::nullopt},
      {"BM_WakeSleepingThread", "waking a sleeping worker (once a drain)", "reference", fmt(wake / 1e3, " us", 1),
       std::nullopt},
      {"BM_NewThreadFirstSpans", "a new thread's first 200 spans, CPU/span", "reference", fmt(new_thread, " ns", 1),
       std::nullopt},
      pipeline_row(1), pipeline_row(2), loopback_row(1), loopback_row(2),
  };

  std::printf("\nzspan overhead (CPU time: median of 5, BM_CollectorDrain the best of 5 beside it; instructions: "
              "callgrind, calling thread)\n\n");
  std::printf("| %-30s | %-36s | %-22s | %-34s | %-4s |\n", "benchmark", "case", "target", "measured", "ok");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(32, '-').c_str(), std::string(38, '-').c_str(),
              std::string(24, '-').c_str(), std::string(36, '-').c_str(), std::string(6, '-').c_str());
  for (const Row& r : rows)
    std::printf("| %-30s | %-36s | %-22s | %-34s | %-4s |\n", r.name.c_str(), r.what.c_str(), r.target.c_str(),
                r.measured.c_str(), !r.met ? "-" : *r.met ? "yes" : "NO");
  std::printf("\nCallgrind: loop overhead %s instr per span, subtracted; cases where a span was dropped during the "
              "count (their counts read low): %s.\n",
              fmt(instr("loop_overhead"), "", 0).c_str(), fmt(instr("cases_with_drops"), "", 0).c_str());
  const double dropped = counter("BM_SpanSampled2Tags", "dropped") + counter("BM_SpanNested", "dropped");
  if (dropped > 0)
    std::printf("Spans dropped by a full buffer during the sampled rows: %.0f (the collector did not keep up; "
                "dropped spans skip the buffer write, so those rows read low).\n",
                dropped);

  if (!json_path.empty()) {
    json doc = {{"benchmarks", raw}, {"callgrind", cg}};
    std::ofstream(json_path) << doc.dump(2) << "\n";
    std::cerr << "report: wrote " << json_path << "\n";
  }
  return 0;
}
