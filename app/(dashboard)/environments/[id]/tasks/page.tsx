import { TaskHistory } from "@/components/environments/task-history";

export const metadata = { title: "Tasks" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TaskHistory id={id} />;
}
