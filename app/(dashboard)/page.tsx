import { EnvironmentList } from "@/components/environments/environment-list";

export const metadata = { title: "Environments" };

export default function HomePage() {
  return <EnvironmentList />;
}
