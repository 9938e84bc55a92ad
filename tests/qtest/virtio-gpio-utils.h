/*
 * Helpers of the virtio-gpio qtests
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_VIRTIO_GPIO_UTILS_H
#define TESTS_VIRTIO_GPIO_UTILS_H

#include "libqtest.h"
#include "libqos/virtio.h"
#include "libqos/virtio-gpio.h"
#include "libqos/virtio-mmio.h"
#include "libqos/libqos-malloc.h"
#include "standard-headers/linux/virtio_gpio.h"

/*
 * Every case runs against this device: a gpio-dummy backend "gpiobe0"
 * with VGPIO_NGPIO lines and the names below, used by a device "gpio0".
 */
#define VGPIO_NGPIO 8
#define VGPIO_OBJECT "-object gpio-dummy,id=gpiobe0,ngpio=8," \
    "names=button,names=led,names=,names=reset"
#define VGPIO_DEVICE_OPTS "id=gpio0,gpio=gpiobe0"

/*
 * GPIO_LINE_CHANGED comes at most once per line in this much time, and
 * at most VGPIO_EVENT_BURST of them per backend (GPIO_EVENT_INTERVAL_NS,
 * GPIO_EVENT_BURST); under qtest the monitor and the backend measure it
 * on the VM clock, which the test moves by hand.
 */
#define VGPIO_EVENT_INTERVAL_NS (100 * 1000 * 1000)
#define VGPIO_EVENT_BURST 64

/* How long the device may take to answer */
#define VGPIO_TIMEOUT_US (10 * 1000 * 1000)

/*
 * Poll until @cond holds, for at most @timeout_us (a test whose device
 * does not answer fails here instead of hanging): at once, then after
 * sleeps from 100 us growing to 10 ms
 */
#define VGPIO_WAIT_FOR(cond, timeout_us)                                \
    do {                                                                \
        gint64 deadline_ = g_get_monotonic_time() + (timeout_us);      \
        gulong sleep_ = 100;                                            \
                                                                        \
        while (!(cond)) {                                               \
            g_assert(g_get_monotonic_time() < deadline_);              \
            g_usleep(sleep_);                                           \
            sleep_ = MIN(sleep_ * 2, 10000);                            \
        }                                                               \
    } while (0)

/*
 * A monitor command that must fail, and how: "%s" in @cmd stands for
 * the id of the device under test, @desc is the error's description
 * (NULL: any error)
 */
typedef struct VGpioQmpError {
    const char *cmd;
    const char *desc;
} VGpioQmpError;

/*
 * libqos never takes descriptors back: start the descriptor table of @vq
 * over when fewer than @n are left (every earlier request must be done)
 */
static inline void vgpio_vq_recycle(QVirtQueue *vq, unsigned n)
{
    if (vq->free_head + n > vq->size) {
        vq->free_head = 0;
        vq->num_free = vq->size;
    }
}

/* How many times the reset and hot-plug tests go round */
#define VGPIO_CYCLES 100

/* The eventq buffers a test has queued, by head descriptor */
#define VGPIO_MAX_DESC 1024
typedef struct VGpioIrqBuf {
    uint64_t req, resp;
    unsigned line;
} VGpioIrqBuf;

typedef struct VGpio {
    QTestState *qts;
    QVirtioDevice *vdev;
    QVirtQueue *reqq;
    QVirtQueue *evtq;
    QGuestAllocator *alloc;
    const char *id;             /* the device's id for the monitor */
    /*
     * How the cases set the input level of a line of the device: NULL
     * for gpio-set, else a peer of a gpio-chardev backend.
     */
    void (*set_input)(struct VGpio *t, unsigned line, bool value);
    void *opaque;
    VGpioIrqBuf irq_bufs[VGPIO_MAX_DESC];   /* this device's, on its eventq */
} VGpio;


/* @t for the device of a libqos node, with the device id "gpio0" */
void vgpio_init_node(VGpio *t, QTestState *qts, QVhostUserGPIO *gpio,
                     QGuestAllocator *alloc);
/* Wait for the chain at @head of @vq to be used; its used length */
void vgpio_wait_used(VGpio *t, QVirtQueue *vq, uint32_t head, uint32_t *len);
/* The controller in query-gpio's @resp with device or backend @id */
QDict *vgpio_controller(QDict *resp, const char *id);
/* One request: its status; the value of the response in @rvalue */
uint8_t vgpio_request(VGpio *t, uint16_t type, uint16_t line, uint32_t value,
                      uint8_t *rvalue);
/* One request that must succeed or fail; vgpio_get returns its value */
void vgpio_req_ok(VGpio *t, uint16_t type, uint16_t line, uint32_t value);
void vgpio_req_err(VGpio *t, uint16_t type, uint16_t line, uint32_t value);
uint8_t vgpio_get(VGpio *t, uint16_t type, uint16_t line);
/* A boolean of query-gpio for line @line of t->id */
bool vgpio_line_bool(VGpio *t, unsigned line, const char *key);
QDict *vgpio_line_changed(VGpio *t);
void vgpio_drop_line_changed(VGpio *t);
int64_t vgpio_line_int(VGpio *t, unsigned line, const char *key);
/* A string of query-gpio for line @line of t->id; the caller frees it */
char *vgpio_line_str(VGpio *t, unsigned line, const char *key);

/* SET_IRQ_TYPE @type on @line, which must succeed */
void vgpio_irq_enable(VGpio *t, unsigned line, uint32_t type);
/* Queue an eventq buffer for @line (unmask its irq) */
void vgpio_irq_queue(VGpio *t, uint16_t line);
/* Wait for an eventq buffer of @line to come back; return its status */
uint8_t vgpio_irq_wait(VGpio *t, unsigned line);
/*
 * Queue a buffer for @line and wait until the device has taken it:
 * VGPIO_IRQ_HELD if it keeps it, else the status it came back with.
 */
#define VGPIO_IRQ_HELD (-1)
int vgpio_irq_unmask(VGpio *t, unsigned line);
/* No eventq buffer has come back */
void vgpio_irq_none(VGpio *t);
/* Enable @type on input @line at level @level, unmask it, nothing pending */
void vgpio_irq_setup(VGpio *t, unsigned line, uint32_t type, bool level);
/* Set the input level of @line of @id, through t->set_input if it is t's */
void vgpio_gpio_set(VGpio *t, const char *id, unsigned line, bool value);
QDict *vgpio_line_info(VGpio *t, const char *id, unsigned line);
/* The same for any controller of QEMU @qts (@id: device or backend) */
QDict *vgpio_query_line(QTestState *qts, const char *id, unsigned line);
/* The status of the migration of @qts if it is over, else NULL */
char *vgpio_migration_end(QTestState *qts);
/* Each command of @cases fails as it says; @id replaces "%s" */
void vgpio_qmp_assert_errors(QTestState *qts, const char *id,
                             const VGpioQmpError *cases, size_t n);

/* virtio-gpio-device on microvm, driven through virtio-mmio */
typedef struct VGpioMMIO {
    VGpio t;
    QVirtioMMIODevice dev;
    QGuestAllocator alloc;
} VGpioMMIO;
/* Start microvm with @devices */
QTestState *vgpio_mmio_start(const char *devices);
/* Set up the @nth virtio-gpio transport as a guest driver would */
void vgpio_mmio_setup(VGpioMMIO *m, QTestState *qts, int nth, const char *id);
/* The same up to DRIVER_OK, which the caller sets */
void vgpio_mmio_setup_queues(VGpioMMIO *m, QTestState *qts, int nth,
                             const char *id);
void vgpio_mmio_teardown(VGpioMMIO *m);

/*
 * The gpio-sim chip of the host tests, for which project/run-host-tests.sh
 * sets VGPIO_HOST_CHIP (its /dev/gpiochipN) and VGPIO_SIM_DEV
 */
char * G_GNUC_PRINTF(1, 2) vgpio_host_sh(const char *fmt, ...);
/* Pull line @offset of the sim chip up or down */
void vgpio_sim_pull(unsigned offset, bool up);
/* The value the sim chip's line @offset sees (driven by its user) */
int vgpio_sim_value(unsigned offset);

/* The test as the peer of a gpio-chardev backend on a unix socket */
typedef struct VGpioPeer {
    int fd;
    GString *buf;
} VGpioPeer;
void vgpio_peer_connect(VGpioPeer *p, const char *path);
void vgpio_peer_close(VGpioPeer *p);
void vgpio_peer_send(VGpioPeer *p, const char *data, size_t len);
void vgpio_peer_sends(VGpioPeer *p, const char *text);
/* The next line from QEMU, without its newline */
char *vgpio_peer_readline(VGpioPeer *p);
/* The next line must be @want */
void vgpio_peer_expect(VGpioPeer *p, const char *want);

#endif
