# Minimal aarch64 device set for the virtio-gpio project build: the arm
# virt board (its PL011, PL061, virtio-mmio transports and PCIe host
# bridge come with it) and our device on both transports.
# With --without-default-devices Kconfig ignores "default y": list them.
CONFIG_ARM_VIRT=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_MMIO=y
CONFIG_VIRTIO_GPIO=y
