/*
 * HMP commands for GPIO lines
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-gpio.h"
#include "system/gpio-backend.h"
#include "qobject/qdict.h"

void hmp_info_gpio(Monitor *mon, const QDict *qdict)
{
    g_autoptr(GpioControllerInfoList) list = qmp_query_gpio(NULL, false, 0,
                                                             false, 0, NULL);
    GpioControllerInfoList *c;
    GpioLineInfoList *l;

    if (!list) {
        monitor_printf(mon, "No GPIO lines\n");
        return;
    }
    for (c = list; c; c = c->next) {
        GpioControllerInfo *info = c->value;

        monitor_printf(mon, "%s (%s)", info->backend, info->type);
        if (info->qom_path) {
            monitor_printf(mon, ", device %s", info->device ?: info->qom_path);
        }
        if (info->recording) {
            monitor_printf(mon, ", recording to %s", info->recording);
        }
        monitor_printf(mon, ":\n  %5s %-16s %-4s %-5s %-3s %-5s %-12s "
                       "%-9s %8s %s\n", "line", "name", "dir", "value", "out",
                       "input", "irq", "irq-state", "irqs", "access");
        for (l = info->lines; l; l = l->next) {
            GpioLineInfo *line = l->value;

            monitor_printf(mon, "  %5u %-16s %-4s %-5d %-3d %-5d %-12s %-9s "
                           "%8" PRIu64 " %s\n", line->line, line->name ?: "-",
                           GpioDirection_str(line->direction), line->value,
                           line->output_value, line->input,
                           GpioIrqType_str(line->irq_type),
                           line->irq_latched ? "latched" :
                           line->irq_unmasked ? "unmasked" : "masked",
                           line->irq_events, GpioLineAccess_str(line->access));
        }
    }
}

void hmp_gpio_set(Monitor *mon, const QDict *qdict)
{
    const char *id = qdict_get_str(qdict, "id");
    const char *line = qdict_get_str(qdict, "line");
    int64_t value = qdict_get_int(qdict, "value");
    Error *err = NULL;

    if (value != 0 && value != 1) {
        error_setg(&err, "value must be 0 or 1");
    } else {
        gpio_set_line(id, line, value, &err);
    }
    hmp_handle_error(mon, err);
}
