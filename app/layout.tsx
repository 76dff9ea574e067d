import type { ReactNode } from "react";

export const metadata = { title: "Phleet", description: "Clustered PHP on Docker" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
