import type { ReactNode } from 'react';

/** Small inline icons. Decorative unless given a label, which makes them an image with that name. */
function Icon({ label, className = 'h-4 w-4', children }: { label?: string; className?: string; children: ReactNode }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={`shrink-0 ${className}`}
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
    >
      {label ? <title>{label}</title> : null}
      {children}
    </svg>
  );
}

export const PaperclipIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l8.57-8.57A4 4 0 1 1 18 8.84l-8.59 8.57a2 2 0 0 1-2.83-2.83l8.49-8.48" />
  </Icon>
);

export const WarningIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M10.29 3.86 1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0z" />
    <path d="M12 9v4M12 17h.01" />
  </Icon>
);

export const InboxIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M22 12h-6l-2 3h-4l-2-3H2" />
    <path d="M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z" />
  </Icon>
);

export const TrashIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6" />
  </Icon>
);

export const BackIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M19 12H5M12 19l-7-7 7-7" />
  </Icon>
);

export const LockIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <rect x="4" y="11" width="16" height="10" rx="2" />
    <path d="M8 11V7a4 4 0 0 1 8 0v4" />
  </Icon>
);

export const OpenLockIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <rect x="4" y="11" width="16" height="10" rx="2" />
    <path d="M8 11V7a4 4 0 0 1 7.9-1" />
  </Icon>
);

export const DraftIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" />
  </Icon>
);

export const SendIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M22 2 11 13M22 2l-7 20-4-9-9-4z" />
  </Icon>
);

export const ClockIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 3" />
  </Icon>
);

export const CloseIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M18 6 6 18M6 6l12 12" />
  </Icon>
);

export const ReplyIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M9 17 4 12l5-5M4 12h11a5 5 0 0 1 5 5v2" />
  </Icon>
);

export const ArchiveIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M21 8v13H3V8M1 3h22v5H1zM10 12h4" />
  </Icon>
);

export const SpamIcon = (props: { label?: string; className?: string }) => (
  <Icon {...props}>
    <path d="M7.86 2h8.28L22 7.86v8.28L16.14 22H7.86L2 16.14V7.86z" />
    <path d="M12 8v4M12 16h.01" />
  </Icon>
);

export const StarIcon = ({ filled, ...props }: { label?: string; className?: string; filled?: boolean }) => (
  <Icon {...props}>
    <path d="m12 2 3.09 6.26L22 9.27l-5 4.87 1.18 6.88L12 17.77l-6.18 3.25L7 14.14 2 9.27l6.91-1.01z" fill={filled ? 'currentColor' : 'none'} />
  </Icon>
);
