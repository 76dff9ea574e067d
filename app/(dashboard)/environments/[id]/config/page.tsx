import { ConfigEditor } from "@/components/config-editor/config-editor";

export const metadata = { title: "Config files" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConfigEditor id={id} />;
}
