// The reference: checksum without instrumentation.
namespace {
int side_effects = 0;
}  // namespace

extern "C" int checksum(const int* data, int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    sum += data[i] * 3 + (sum >> 2);
  }
  return sum + side_effects;
}
