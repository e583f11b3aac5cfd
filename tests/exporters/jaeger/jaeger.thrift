# Jaeger's span model as its clients send it, written for zspan's tests from the field
# numbers of the published IDL (jaegertracing/jaeger-idl, thrift/jaeger.thrift). The tests
# decode the exporters' output with the classes Apache Thrift generates from this file.

namespace cpp jaegertracing.thrift

enum TagType { STRING = 0, DOUBLE = 1, BOOL = 2, LONG = 3, BINARY = 4 }

struct Tag {
  1: required string key
  2: required TagType vType
  3: optional string vStr
  4: optional double vDouble
  5: optional bool vBool
  6: optional i64 vLong
  7: optional binary vBinary
}

struct Log {
  1: required i64 timestamp  # microseconds since the epoch
  2: required list<Tag> fields
}

enum SpanRefType { CHILD_OF = 0, FOLLOWS_FROM = 1 }

struct SpanRef {
  1: required SpanRefType refType
  2: required i64 traceIdLow
  3: required i64 traceIdHigh
  4: required i64 spanId
}

struct Span {
  1: required i64 traceIdLow
  2: required i64 traceIdHigh
  3: required i64 spanId
  4: required i64 parentSpanId  # 0 for a root
  5: required string operationName
  6: optional list<SpanRef> references
  7: required i32 flags         # 0x1 sampled, 0x2 debug
  8: required i64 startTime     # microseconds since the epoch
  9: required i64 duration      # microseconds
  10: optional list<Tag> tags
  11: optional list<Log> logs
  12: optional bool incomplete
}

struct Process {
  1: required string serviceName
  2: optional list<Tag> tags
}

struct Batch {
  1: required Process process
  2: required list<Span> spans
}
