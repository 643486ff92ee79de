#define _GNU_SOURCE
#include "cbgapitransport.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cbgapi_open_pty_master(char *name, size_t name_length) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0) return -1;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
#ifdef __linux__
    if (ptsname_r(fd, name, name_length) != 0) {
#else
    const char *slave = ptsname(fd);
    if (slave == NULL || strlen(slave) >= name_length || (strcpy(name, slave), 0)) {
#endif
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}
