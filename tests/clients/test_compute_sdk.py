"""openstacksdk's compute proxy (`conn.compute`) against the emulator: the
calls that go through Nova's image proxy rather than Glance."""

import openstack.exceptions
import pytest

from helpers import sdk_connection


@pytest.fixture(scope="module")
def conn(emulator):
    c = sdk_connection(emulator)
    yield c
    c.close()


def test_find_image_by_name_and_id(conn):
    # find_image asks for the name as an id (a 404), then lists by name.
    image = conn.compute.find_image("Standard_Debian_11_latest", ignore_missing=False)
    assert image.name == "Standard_Debian_11_latest"
    glance = conn.image.find_image("Standard_Debian_11_latest", ignore_missing=False)
    assert image.id == glance.id
    by_id = conn.compute.find_image(image.id, ignore_missing=False)
    assert by_id.id == image.id and by_id.status == "ACTIVE" and by_id.min_disk == 4
    assert conn.compute.find_image("no-such-image", ignore_missing=True) is None
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.compute.find_image("no-such-image", ignore_missing=False)


def test_get_image_and_detailed_list(conn):
    glance = conn.image.find_image("Standard_Windows_2022_DC_latest", ignore_missing=False)
    image = conn.compute.get_image(glance.id)
    assert (image.name, image.status, image.progress) == ("Standard_Windows_2022_DC_latest", "ACTIVE", 100)
    assert image.min_disk == 40 and image.size == glance.size
    assert image.metadata["__os_type"] == "Windows"
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.compute.get_image("00000000-0000-0000-0000-000000000000")
    # Pages of two, followed through Nova's images_links, give every image.
    paged = list(conn.compute.images(details=True, limit=2))
    assert {i.id for i in paged} == {i.id for i in conn.image.images()}
    assert all(i.status == "ACTIVE" and i.size for i in paged)
    assert [i.name for i in conn.compute.images(min_disk=40)] == ["Standard_Windows_2022_DC_latest"]
    assert list(conn.compute.images(status="SAVING")) == []
