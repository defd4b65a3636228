// zlib, for gzip-compressed snapshots (zookeeper.snapshot.compression.method=gz).
#include <zlib.h>
