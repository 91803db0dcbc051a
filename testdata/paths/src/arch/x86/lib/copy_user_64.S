/* Assembled with its own absolute compile directory, as Debian's amd64 assembly units are. */
	.text
	.globl copy_user_fixture
	.type copy_user_fixture, @function
copy_user_fixture:
	movq %rdx, %rcx
	rep movsb
	xorl %eax, %eax
	ret
	.size copy_user_fixture, .-copy_user_fixture

	.globl clear_user_fixture
	.type clear_user_fixture, @function
clear_user_fixture:
	movq %rsi, %rcx
	xorl %eax, %eax
	rep stosb
	ret
	.size clear_user_fixture, .-clear_user_fixture

	.section .note.GNU-stack,"",@progbits
