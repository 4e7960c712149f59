/* SPDX-License-Identifier: MIT */
#ifndef BASELINE_KVM_H
#define BASELINE_KVM_H

#include "vmm/vm.h"

extern const struct vmm_backend_ops kvm_backend_ops;

#endif
