/*
 * boot.c: the Multiboot (v1) header and the entry point of the e2e test
 * kernel.  The loader (iPXE, qemu -kernel) enters _start in 32-bit
 * protected mode with paging off, EAX = the boot magic and EBX = the
 * physical address of the multiboot information.
 *
 * This is a 32-bit ELF, so loaders take the load addresses from its
 * program headers and the header needs no a.out kludge (flag bit 16):
 * iPXE accepts an ELF64 kernel only with the kludge, a 32-bit one as is.
 * C with top-level asm rather than a .S file: configure has no assembler
 * check and the kernel does not justify one.
 */

typedef unsigned int  u32;

#define MB_MAGIC  0x1BADB002u
#define MB_FLAGS  0x00000003u     /* modules page aligned, memory info */

/* kernel.ld places .multiboot first, well inside the first 8 KiB. */
__attribute__((section(".multiboot"), used, aligned(4)))
static const u32  mb_header[3] = {
    MB_MAGIC, MB_FLAGS, (u32) -(MB_MAGIC + MB_FLAGS)
};

__asm__(
    "    .text\n"
    "    .globl  _start\n"
    "    .type   _start, @function\n"
    "_start:\n"
    "    cli\n"
    "    cld\n"
    "    movl    $boot_stack + 16384, %esp\n"
    "    pushl   $0\n"
    "    popfl\n"
    "    pushl   %ebx\n"              /* multiboot info */
    "    pushl   %eax\n"              /* magic */
    "    call    kmain\n"
    "    call    kexit\n"
    "1:  hlt\n"
    "    jmp     1b\n"
    "    .size   _start, . - _start\n"
    "    .local  boot_stack\n"
    "    .comm   boot_stack, 16384, 16\n"
);
