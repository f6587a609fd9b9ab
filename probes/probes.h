/* The probe modules, listed by probes/registry.c. */
#ifndef MAILAUDIT_PROBES_PROBES_H
#define MAILAUDIT_PROBES_PROBES_H

#include "probes/probe.h"

extern const struct probe_module imap_probe;
extern const struct probe_module pop3_probe;

#endif
