/* SPDX-License-Identifier: GPL-2.0 */
#ifndef APPS_TIME64_H
#define APPS_TIME64_H
#define USEC_PER_MSEC 1000L
#endif
