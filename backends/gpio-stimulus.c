/*
 * QEMU GPIO backend: stimuli, input changes played on the VM clock
 *
 * A stimulus is a list of steps, each setting the input level of a line
 * at a time after the stimulus started, optionally repeated.  It runs on
 * a QEMU_CLOCK_VIRTUAL timer: it pauses with the VM, resumes exactly and
 * is deterministic under -icount.  Its steps come from the monitor or
 * from a VCD file (gpio_vcd_steps()).
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "qapi/qapi-events-gpio.h"
#include "migration/blocker.h"
#include "system/gpio-backend.h"
#include "trace.h"

struct GpioStimulus {
    GpioBackend *s;
    char *name;
    GArray *steps;              /* GpioStep, in time order */
    unsigned long *lines;       /* the lines it sets */
    unsigned next;              /* the next step */
    int64_t base;               /* VM time the current iteration started */
    int64_t period;             /* ns from one iteration to the next */
    uint64_t repeat;            /* iterations to play after this one */
    bool forever;
    QEMUTimer *timer;
    QTAILQ_ENTRY(GpioStimulus) link;
};

static void gpio_stimulus_free(GpioStimulus *st)
{
    GpioBackend *s = st->s;

    QTAILQ_REMOVE(&s->stimuli, st, link);
    if (QTAILQ_EMPTY(&s->stimuli)) {
        migrate_del_blocker(&s->stimulus_blocker);
    }
    timer_free(st->timer);
    g_array_unref(st->steps);
    g_free(st->lines);
    g_free(st->name);
    g_free(st);
}

/* Play the steps that are due, then wait for the next */
static void gpio_stimulus_run(void *opaque)
{
    GpioStimulus *st = opaque;
    GpioBackend *s = st->s;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    for (;;) {
        GpioStep *step;
        int64_t when;

        if (st->next == st->steps->len) {
            if (!st->forever && !st->repeat) {
                g_autofree char *id = gpio_backend_id(s);

                trace_gpio_stimulus_done(s, st->name);
                qapi_event_send_gpio_stimulus_done(id, st->name);
                gpio_stimulus_free(st);
                return;
            }
            if (!st->forever) {
                st->repeat--;
            }
            st->base += st->period;
            st->next = 0;
        }
        step = &g_array_index(st->steps, GpioStep, st->next);
        when = st->base + step->time;
        if (when > now) {
            timer_mod(st->timer, when);
            return;
        }
        trace_gpio_stimulus_step(s, st->name, step->line, step->value, when);
        st->next++;
        gpio_backend_set_input_level(s, step->line, step->value);
    }
}

GpioStimulus *gpio_stimulus_find(GpioBackend *s, const char *name)
{
    GpioStimulus *st;

    QTAILQ_FOREACH(st, &s->stimuli, link) {
        if (!strcmp(st->name, name)) {
            return st;
        }
    }
    return NULL;
}

bool gpio_stimulus_start(GpioBackend *s, const char *name, GArray *steps,
                         int64_t period, uint64_t repeat, bool forever,
                         Error **errp)
{
    g_autofree char *id = gpio_backend_id(s);
    g_autofree unsigned long *lines = bitmap_new(s->ngpio);
    GpioStimulus *st;
    int64_t last = 0;
    unsigned i;

    if (gpio_stimulus_find(s, name)) {
        error_setg(errp, "gpio backend '%s' has a stimulus '%s' already",
                   id, name);
        return false;
    }
    if (!steps->len) {
        error_setg(errp, "stimulus '%s' has no steps", name);
        return false;
    }
    for (i = 0; i < steps->len; i++) {
        GpioStep *step = &g_array_index(steps, GpioStep, i);

        if (step->line >= s->ngpio) {
            error_setg(errp, "line %u is out of range (the backend has %u "
                       "lines)", step->line, s->ngpio);
            return false;
        }
        if (step->time < last) {
            error_setg(errp, "step %u of stimulus '%s' comes before the one "
                       "before it", i, name);
            return false;
        }
        last = step->time;
        set_bit(step->line, lines);
    }
    if ((forever || repeat) && period <= 0) {
        error_setg(errp, "a repeated stimulus needs a period above 0");
        return false;
    }
    if ((forever || repeat) && period < last) {
        error_setg(errp, "the period of stimulus '%s' is shorter than its "
                   "steps", name);
        return false;
    }
    QTAILQ_FOREACH(st, &s->stimuli, link) {
        unsigned long line;

        for (line = find_first_bit(st->lines, s->ngpio); line < s->ngpio;
             line = find_next_bit(st->lines, s->ngpio, line + 1)) {
            if (test_bit(line, lines)) {
                error_setg(errp, "line %lu of gpio backend '%s' is set by "
                           "stimulus '%s' already", line, id, st->name);
                return false;
            }
        }
    }
    if (QTAILQ_EMPTY(&s->stimuli)) {
        error_setg(&s->stimulus_blocker, "gpio backend '%s' plays a "
                   "stimulus", id);
        if (migrate_add_blocker(&s->stimulus_blocker, errp) < 0) {
            return false;
        }
    }

    st = g_new0(GpioStimulus, 1);
    st->s = s;
    st->name = g_strdup(name);
    st->steps = g_array_ref(steps);
    st->lines = g_steal_pointer(&lines);
    st->base = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    st->period = period;
    st->repeat = repeat;
    st->forever = forever;
    st->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, gpio_stimulus_run, st);
    QTAILQ_INSERT_TAIL(&s->stimuli, st, link);
    trace_gpio_stimulus_start(s, name, steps->len, st->base);
    /* the steps due now are played now */
    gpio_stimulus_run(st);
    return true;
}

void gpio_stimulus_cancel(GpioStimulus *st)
{
    trace_gpio_stimulus_cancel(st->s, st->name);
    gpio_stimulus_free(st);
}

void gpio_stimulus_cancel_all(GpioBackend *s)
{
    while (!QTAILQ_EMPTY(&s->stimuli)) {
        gpio_stimulus_cancel(QTAILQ_FIRST(&s->stimuli));
    }
}

GpioStimulusInfo *gpio_stimulus_info(GpioStimulus *st)
{
    GpioStimulusInfo *info = g_new0(GpioStimulusInfo, 1);
    GpioBackend *s = st->s;
    uint16List **tail = &info->lines;
    unsigned long line;

    info->backend = gpio_backend_id(s);
    info->stimulus = g_strdup(st->name);
    for (line = find_first_bit(st->lines, s->ngpio); line < s->ngpio;
         line = find_next_bit(st->lines, s->ngpio, line + 1)) {
        QAPI_LIST_APPEND(tail, line);
    }
    info->steps = st->steps->len;
    info->next_step = st->next;
    info->next_time = st->base +
        g_array_index(st->steps, GpioStep, st->next).time;
    info->has_repeat = !st->forever;
    info->repeat = st->repeat;
    return info;
}

GpioStimulus *gpio_stimulus_next(GpioBackend *s, GpioStimulus *st)
{
    return st ? QTAILQ_NEXT(st, link) : QTAILQ_FIRST(&s->stimuli);
}

/*
 * VCD files (IEEE 1364, section 18) as stimuli.  A scalar variable
 * whose reference is the name of a line (or "lineN"), or that name with
 * "_in" (as gpio-record writes the input level), sets the line; "_in"
 * wins when both are there.  Other variables are ignored, as are x and
 * z values.  Times count from the file's first time.
 */

typedef struct GpioVcdParser {
    GpioBackend *s;
    const char *path;
    char *p;                    /* the next character */
    unsigned lineno;            /* the line of the file p is on */
    unsigned tok_line;          /* the line of the last token */
    int64_t scale;              /* ns per time unit, or the inverse if < 0 */
    GHashTable *vars;           /* identifier -> line + 1, or 0 to ignore */
    int *by_in;                 /* per line: 1 named NAME, 2 named NAME_in */
} GpioVcdParser;

/* The next whitespace-separated token, or NULL at the end */
static char *gpio_vcd_token(GpioVcdParser *ps)
{
    char *start;

    while (*ps->p && g_ascii_isspace(*ps->p)) {
        ps->lineno += *ps->p == '\n';
        ps->p++;
    }
    if (!*ps->p) {
        return NULL;
    }
    start = ps->p;
    while (*ps->p && !g_ascii_isspace(*ps->p)) {
        ps->p++;
    }
    ps->tok_line = ps->lineno;
    if (*ps->p) {
        ps->lineno += *ps->p == '\n';
        *ps->p++ = '\0';
    }
    return start;
}

static void G_GNUC_PRINTF(3, 4) gpio_vcd_error(GpioVcdParser *ps,
                                               Error **errp,
                                               const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(errp, "%s:%u: %s", ps->path, ps->tok_line, msg);
}

/* Skip to the $end of a section */
static bool gpio_vcd_skip(GpioVcdParser *ps, const char *what, Error **errp)
{
    char *t;

    while ((t = gpio_vcd_token(ps))) {
        if (!strcmp(t, "$end")) {
            return true;
        }
    }
    gpio_vcd_error(ps, errp, "%s without $end", what);
    return false;
}

static bool gpio_vcd_timescale(GpioVcdParser *ps, Error **errp)
{
    static const struct {
        const char *unit;
        int64_t ns;             /* < 0: 1/-ns ns */
    } units[] = {
        { "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 },
        { "ns", 1 }, { "ps", -1000 }, { "fs", -1000000 },
    };
    g_autofree char *spec = g_strdup("");
    char *t, *unit;
    uint64_t num;
    unsigned i;

    while ((t = gpio_vcd_token(ps)) && strcmp(t, "$end")) {
        g_autofree char *old = spec;

        spec = g_strconcat(old, t, NULL);
    }
    if (!t) {
        gpio_vcd_error(ps, errp, "$timescale without $end");
        return false;
    }
    if (qemu_strtou64(spec, (const char **)&unit, 10, &num) < 0 ||
        (num != 1 && num != 10 && num != 100)) {
        gpio_vcd_error(ps, errp, "bad $timescale '%s'", spec);
        return false;
    }
    for (i = 0; i < ARRAY_SIZE(units); i++) {
        if (!strcmp(unit, units[i].unit)) {
            ps->scale = units[i].ns > 0 ? units[i].ns * num
                                        : units[i].ns / (int64_t)num;
            return true;
        }
    }
    gpio_vcd_error(ps, errp, "bad $timescale '%s'", spec);
    return false;
}

/* $var type size identifier reference [bits] $end */
static bool gpio_vcd_var(GpioVcdParser *ps, Error **errp)
{
    char *tok[4];
    unsigned i, size, len;
    int line = -1;
    int how = 1;
    gpointer old;

    for (i = 0; i < 4; i++) {
        tok[i] = gpio_vcd_token(ps);
        if (!tok[i] || !strcmp(tok[i], "$end")) {
            gpio_vcd_error(ps, errp, "short $var");
            return false;
        }
    }
    if (qemu_strtoui(tok[1], NULL, 10, &size) < 0 || size == 0) {
        gpio_vcd_error(ps, errp, "bad size '%s' of $var", tok[1]);
        return false;
    }
    if (!gpio_vcd_skip(ps, "$var", errp)) {
        return false;
    }
    if (size == 1) {
        g_autofree char *ref = g_strdup(tok[3]);

        if (g_str_has_suffix(ref, "_in")) {
            ref[strlen(ref) - 3] = '\0';
            how = 2;
        }
        line = gpio_backend_line_by_name(ps->s, ref);
        if (line < 0 && sscanf(ref, "line%u%n", &i, &len) == 1 &&
            len == strlen(ref) && i < ps->s->ngpio) {
            line = i;
        }
    }
    if (line >= 0 && ps->by_in[line] >= how) {
        line = -1;
    }
    if (line >= 0) {
        ps->by_in[line] = how;
        /* NAME_in replaces a NAME seen before */
        if (how == 2) {
            GHashTableIter it;
            gpointer val;

            g_hash_table_iter_init(&it, ps->vars);
            while (g_hash_table_iter_next(&it, NULL, &val)) {
                if (GPOINTER_TO_INT(val) == line + 1) {
                    g_hash_table_iter_replace(&it, GINT_TO_POINTER(0));
                }
            }
        }
    }
    /* an identifier may stand for several references: one line at most */
    if (g_hash_table_lookup_extended(ps->vars, tok[2], NULL, &old) &&
        GPOINTER_TO_INT(old)) {
        if (line >= 0 && GPOINTER_TO_INT(old) != line + 1) {
            gpio_vcd_error(ps, errp, "identifier '%s' stands for two lines",
                           tok[2]);
            return false;
        }
        return true;
    }
    g_hash_table_insert(ps->vars, g_strdup(tok[2]),
                        GINT_TO_POINTER(line + 1));
    return true;
}

static bool gpio_vcd_header(GpioVcdParser *ps, Error **errp)
{
    char *t;

    while ((t = gpio_vcd_token(ps))) {
        if (!strcmp(t, "$enddefinitions")) {
            return gpio_vcd_skip(ps, t, errp);
        } else if (!strcmp(t, "$timescale")) {
            if (!gpio_vcd_timescale(ps, errp)) {
                return false;
            }
        } else if (!strcmp(t, "$var")) {
            if (!gpio_vcd_var(ps, errp)) {
                return false;
            }
        } else if (t[0] == '$') {
            /* $date, $version, $comment, $scope, $upscope */
            if (!gpio_vcd_skip(ps, t, errp)) {
                return false;
            }
        } else {
            gpio_vcd_error(ps, errp, "unexpected '%s' in the header", t);
            return false;
        }
    }
    gpio_vcd_error(ps, errp, "no $enddefinitions");
    return false;
}

static int64_t gpio_vcd_ns(GpioVcdParser *ps, uint64_t t)
{
    return ps->scale > 0 ? t * ps->scale : t / -ps->scale;
}

/* The value changes */
static bool gpio_vcd_body(GpioVcdParser *ps, GArray *steps, Error **errp)
{
    bool have_time = false;
    uint64_t first = 0, now = 0;
    char *t;

    while ((t = gpio_vcd_token(ps))) {
        gpointer val;
        const char *ident;

        if (t[0] == '#') {
            uint64_t v;

            if (qemu_strtou64(t + 1, NULL, 10, &v) < 0) {
                gpio_vcd_error(ps, errp, "bad time '%s'", t);
                return false;
            }
            if (ps->scale > 0 && v > INT64_MAX / ps->scale) {
                gpio_vcd_error(ps, errp, "time %" PRIu64 " is out of range",
                               v);
                return false;
            }
            if (have_time && v < now) {
                gpio_vcd_error(ps, errp, "time %" PRIu64 " goes back", v);
                return false;
            }
            if (!have_time) {
                first = v;
                have_time = true;
            }
            now = v;
            continue;
        }
        if (t[0] == '$') {
            /* $dumpvars, $dumpall, $dumpon, $dumpoff and their $end */
            if (!strcmp(t, "$comment") && !gpio_vcd_skip(ps, t, errp)) {
                return false;
            }
            continue;
        }
        if (strchr("bBrR", t[0])) {
            /* a vector or a real: its identifier follows */
            ident = gpio_vcd_token(ps);
            if (!ident) {
                gpio_vcd_error(ps, errp, "'%s' without an identifier", t);
                return false;
            }
            val = g_hash_table_lookup(ps->vars, ident);
            if (val) {
                gpio_vcd_error(ps, errp, "vector value for a line");
                return false;
            }
            continue;
        }
        if (!strchr("01xXzZ", t[0]) || !t[1]) {
            gpio_vcd_error(ps, errp, "bad value change '%s'", t);
            return false;
        }
        ident = t + 1;
        if (!g_hash_table_lookup_extended(ps->vars, ident, NULL, &val)) {
            gpio_vcd_error(ps, errp, "undeclared identifier '%s'", ident);
            return false;
        }
        if (GPOINTER_TO_INT(val) && (t[0] == '0' || t[0] == '1')) {
            GpioStep step = {
                .time = gpio_vcd_ns(ps, now - first),
                .line = GPOINTER_TO_INT(val) - 1,
                .value = t[0] == '1',
            };

            g_array_append_val(steps, step);
        }
    }
    return true;
}

static bool gpio_vcd_read(const char *path, GString *text, Error **errp)
{
    char buf[4096];
    ssize_t n;
    int fd = qemu_open(path, O_RDONLY, errp);

    if (fd < 0) {
        return false;
    }
    while ((n = RETRY_ON_EINTR(read(fd, buf, sizeof(buf)))) > 0) {
        g_string_append_len(text, buf, n);
    }
    if (n < 0) {
        error_setg_errno(errp, errno, "cannot read '%s'", path);
    }
    close(fd);
    return n == 0;
}

GArray *gpio_vcd_steps(GpioBackend *s, const char *path, Error **errp)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree int *by_in = g_new0(int, s->ngpio);
    g_autoptr(GHashTable) vars = g_hash_table_new_full(g_str_hash,
                                                       g_str_equal,
                                                       g_free, NULL);
    g_autoptr(GArray) steps = g_array_new(false, false, sizeof(GpioStep));
    GpioVcdParser ps = {
        .s = s, .path = path, .lineno = 1, .scale = 1, .vars = vars,
        .by_in = by_in,
    };
    unsigned i;

    if (!gpio_vcd_read(path, text, errp)) {
        return NULL;
    }
    ps.p = text->str;
    if (!gpio_vcd_header(&ps, errp)) {
        return NULL;
    }
    for (i = 0; i < s->ngpio && !by_in[i]; i++) {
        /* find one line the file sets */
    }
    if (i == s->ngpio) {
        error_setg(errp, "%s names none of the lines of the backend", path);
        return NULL;
    }
    if (!gpio_vcd_body(&ps, steps, errp)) {
        return NULL;
    }
    return g_steal_pointer(&steps);
}
