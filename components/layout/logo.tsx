export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden className={className}>
      <rect width="32" height="32" rx="8" fill="var(--primary)" />
      <g fill="none" stroke="var(--primary-fg)" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round">
        <path d="M16 7v6M9 19v-3h14v3M16 13v3" />
        <rect x="12" y="5" width="8" height="5" rx="1.5" fill="var(--primary-fg)" stroke="none" />
        <circle cx="9" cy="22" r="2.6" />
        <circle cx="23" cy="22" r="2.6" />
      </g>
    </svg>
  );
}
