/*
 * The return path: what a thread runs after a system call we made it do,
 * if ckpt is no longer there to put its registers back.  The tracer copies
 * this code and a filled-in `struct infect_retpath_data` (infect.h) into the
 * tracee and points the thread at its first instruction, the `syscall`.
 * While ckpt lives, the thread never gets past that syscall: ckpt catches
 * the syscall-exit stop.  If ckpt dies, the kernel lets the thread go, and
 * this code restores the signal mask, the flags and every general register,
 * then jumps to where the thread was.  Position independent: all data is
 * addressed relative to %rip.
 */
	.section .rodata
	.globl	infect_retpath_code
	.globl	infect_retpath_code_end
	.balign	16
infect_retpath_code:
	syscall
	movl	$14, %eax		/* rt_sigprocmask(SIG_SETMASK, &mask, NULL, 8) */
	movl	$2, %edi
	leaq	rp_mask(%rip), %rsi
	xorl	%edx, %edx
	movl	$8, %r10d
	syscall
	/* popfq needs a stack: use one well below the thread's red zone */
	movq	rp_rsp(%rip), %rsp
	subq	$512, %rsp
	pushq	rp_flags(%rip)
	popfq
	/* from here on only moves, which leave the flags alone */
	movq	rp_rsp(%rip), %rsp
	movq	rp_rax(%rip), %rax
	movq	rp_rbx(%rip), %rbx
	movq	rp_rcx(%rip), %rcx
	movq	rp_rdx(%rip), %rdx
	movq	rp_rsi(%rip), %rsi
	movq	rp_rdi(%rip), %rdi
	movq	rp_rbp(%rip), %rbp
	movq	rp_r8(%rip), %r8
	movq	rp_r9(%rip), %r9
	movq	rp_r10(%rip), %r10
	movq	rp_r11(%rip), %r11
	movq	rp_r12(%rip), %r12
	movq	rp_r13(%rip), %r13
	movq	rp_r14(%rip), %r14
	movq	rp_r15(%rip), %r15
	jmpq	*rp_rip(%rip)
	.balign	8
/* struct infect_retpath_data, in this order */
rp_mask:	.quad 0
rp_rsp:		.quad 0
rp_flags:	.quad 0
rp_rip:		.quad 0
rp_rax:		.quad 0
rp_rbx:		.quad 0
rp_rcx:		.quad 0
rp_rdx:		.quad 0
rp_rsi:		.quad 0
rp_rdi:		.quad 0
rp_rbp:		.quad 0
rp_r8:		.quad 0
rp_r9:		.quad 0
rp_r10:		.quad 0
rp_r11:		.quad 0
rp_r12:		.quad 0
rp_r13:		.quad 0
rp_r14:		.quad 0
rp_r15:		.quad 0
infect_retpath_code_end:

/*
 * The fork path: where a clone() we make a thread do runs.  The parent goes
 * on into its return path (fp_back: the instruction after that path's own
 * `syscall`); the child, a copy of the process's memory that must never run
 * the program, exits at once if anybody ever lets it go (ckpt keeps it in a
 * ptrace stop, and it dies with ckpt: PTRACE_O_EXITKILL).
 */
	.globl	infect_forkpath_code
	.globl	infect_forkpath_code_end
	.balign	16
infect_forkpath_code:
	syscall
	testq	%rax, %rax
	jnz	1f
	movl	$231, %eax		/* exit_group(0) */
	xorl	%edi, %edi
	syscall
1:	jmpq	*fp_back(%rip)
	.balign	8
fp_back:	.quad 0
infect_forkpath_code_end:

	.section .note.GNU-stack,"",@progbits
