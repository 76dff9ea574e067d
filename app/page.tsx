export default function Home() {
  return <main>Phleet</main>;
}
