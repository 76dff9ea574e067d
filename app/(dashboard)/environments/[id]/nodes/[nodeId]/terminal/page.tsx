import { TerminalPage } from "@/components/terminal/terminal-page";

export const metadata = { title: "Terminal" };

export default async function Page({ params }: { params: Promise<{ id: string; nodeId: string }> }) {
  const { id, nodeId } = await params;
  return <TerminalPage environmentId={id} nodeId={nodeId} />;
}
