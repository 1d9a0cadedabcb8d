/* The built-in model: model/default-model.json, included byte for byte by the assembler
 * (the target's header search path holds model/, where .incbin looks). A build tool does not
 * see this dependency: `make default-model` touches this file so that a new model is embedded. */
#include "sd_default_model.h"

__asm__(".section .rodata.sd_default_model,\"a\"\n"
        ".balign 16\n"
        "sd_default_model_start:\n"
        ".incbin \"default-model.json\"\n"
        "sd_default_model_end:\n"
        ".byte 0\n"
        ".previous\n");

extern const unsigned char sd_default_model_start[];
extern const unsigned char sd_default_model_end[];

const unsigned char *sd_default_model_bytes(void) { return sd_default_model_start; }

size_t sd_default_model_length(void) { return (size_t)(sd_default_model_end - sd_default_model_start); }
