#ifndef C_MALLOC_COUNTER_H
#define C_MALLOC_COUNTER_H

#include <stdint.h>

/// Number of allocation calls (malloc, calloc, realloc, aligned) made by the
/// process since it started. Linking this target replaces the C allocator's
/// entry points for the whole executable, so link it into benchmarks only.
uint64_t zk_malloc_counter_allocations(void);

#endif
