# Minimal x86_64 device set for the virtio-gpio project build.
# PCIE_PORT: pcie-root-port, for PCIe hot-plug on q35.
# With --without-default-devices Kconfig ignores "default y": list the boards.
CONFIG_I440FX=y
CONFIG_Q35=y
CONFIG_MICROVM=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_MMIO=y
CONFIG_SERIAL_ISA=y
CONFIG_SERIAL_PCI=y
CONFIG_USB_HID=y
CONFIG_VIRTIO_GPIO=y
CONFIG_PCIE_PORT=y
