#ifndef CBGAPITRANSPORT_H
#define CBGAPITRANSPORT_H
#include <stddef.h>

/// Opens a new pseudo-terminal master (posix_openpt + grantpt + unlockpt) and writes the slave path
/// into `name`. Returns the master descriptor, or -1 with errno set.
int cbgapi_open_pty_master(char *name, size_t name_length);

#endif
