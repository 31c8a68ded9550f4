// Memory figures for the MLD benchmarks: live heap bytes counted by a replacement operator
// new/delete (memory_probe.cc, linked into each benchmark), and the process RSS. Both are
// printed because they answer different questions: the heap count is what the engine holds,
// RSS is what the machine pays, including what the allocator keeps after a free.
#pragma once

#include <cstdint>

namespace tandem::perf {

// Bytes currently allocated through operator new (malloc_usable_size of each block).
int64_t live_heap_bytes();
// Resident set size of this process.
int64_t rss_bytes();
// CPU time of the calling thread, s: on a shared machine the wall clock also counts time the
// core was given to others.
double thread_cpu_seconds();

}  // namespace tandem::perf
