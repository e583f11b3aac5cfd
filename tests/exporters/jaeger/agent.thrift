# The Jaeger agent's UDP interface (jaegertracing/jaeger-idl, thrift/agent.thrift), the
# one call zspan makes: a oneway emitBatch, Thrift compact on port 6831, binary on 6832.
# (The published service also has emitZipkinBatch, which zspan does not use.)

include "jaeger.thrift"

namespace cpp jaegertracing.agent.thrift

service Agent {
  oneway void emitBatch(1: jaeger.Batch batch)
}
