#ifndef SD_DEFAULT_MODEL_H
#define SD_DEFAULT_MODEL_H

#include <stddef.h>

/* The built-in model file (model/default-model.json), embedded in the binary as read-only
 * bytes by the assembler's .incbin: no compile time spent on it, no copy at start-up. */
const unsigned char *sd_default_model_bytes(void);
size_t sd_default_model_length(void);

#endif
